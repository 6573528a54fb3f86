package org.notesync.patient;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Writes a patient row straight into the database, with chosen timestamps, for tests of filters and order. */
public final class PatientFixture {

    private final JdbcClient jdbc;
    private final UUID organizationId;
    private UUID owner;
    private String firstName = "Grace";
    private String lastName = "Hopper";
    private String visibility;
    private String externalId;
    private Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    private Instant updatedAt;
    private Instant deletedAt;

    private PatientFixture(JdbcClient jdbc, UUID organizationId) {
        this.jdbc = jdbc;
        this.organizationId = organizationId;
    }

    public static PatientFixture patientOf(JdbcClient jdbc, UUID organizationId) {
        return new PatientFixture(jdbc, organizationId);
    }

    public PatientFixture named(String first, String last) {
        this.firstName = first;
        this.lastName = last;
        return this;
    }

    public PatientFixture ownedBy(UUID clinician) {
        this.owner = clinician;
        return this;
    }

    public PatientFixture privateTo(UUID clinician) {
        this.owner = clinician;
        this.visibility = "private";
        return this;
    }

    public PatientFixture externalId(String id) {
        this.externalId = id;
        return this;
    }

    public PatientFixture createdAt(Instant at) {
        this.createdAt = at;
        return this;
    }

    public PatientFixture updatedAt(Instant at) {
        this.updatedAt = at;
        return this;
    }

    public PatientFixture deletedAt(Instant at) {
        this.deletedAt = at;
        return this;
    }

    public UUID insert() {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO patients (id, organization_id, user_id, first_name, last_name, visibility_option,
                                      external_id, created_at, updated_at, deleted_at)
                VALUES (:id, :org, :owner, :first, :last, :visibility, :external, :created, :updated, :deleted)""")
                .param("id", id).param("org", organizationId).param("owner", owner)
                .param("first", firstName).param("last", lastName).param("visibility", visibility)
                .param("external", externalId)
                .param("created", createdAt.atOffset(ZoneOffset.UTC))
                .param("updated", (updatedAt == null ? createdAt : updatedAt).atOffset(ZoneOffset.UTC))
                .param("deleted", deletedAt == null ? null : deletedAt.atOffset(ZoneOffset.UTC))
                .update();
        return id;
    }
}
