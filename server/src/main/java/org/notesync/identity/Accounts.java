package org.notesync.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Organizations, their clinicians, and which organization each OAuth 2 client belongs to. */
@Repository
public class Accounts {

    public record Organization(UUID id, String name, String streetAddress, String city, String postalCode,
            String country) {
    }

    public record User(UUID id, UUID organizationId, String email, String passwordHash, String firstName,
            String lastName, boolean verified) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;

    Accounts(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Organization createOrganization(String name, String streetAddress, String city, String postalCode,
            String country) {
        Organization org = new Organization(UUID.randomUUID(), name, streetAddress, city, postalCode, country);
        jdbc.sql("""
                INSERT INTO organizations (id, name, street_address, city, postal_code, country, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(org.id(), name, streetAddress, city, postalCode, country,
                        clock.instant().atOffset(ZoneOffset.UTC))
                .update();
        return org;
    }

    public Optional<Organization> organization(UUID id) {
        return jdbc.sql("SELECT * FROM organizations WHERE id = ?").param(id).query(Accounts::organization).optional();
    }

    public List<Organization> organizations() {
        return jdbc.sql("SELECT * FROM organizations ORDER BY created_at, id").query(Accounts::organization).list();
    }

    /** One page of every organization, oldest first (the operator's view). */
    public List<Organization> organizations(long limit, long offset) {
        return jdbc.sql("SELECT * FROM organizations ORDER BY created_at, id LIMIT ? OFFSET ?")
                .params(limit, offset).query(Accounts::organization).list();
    }

    public long countOrganizations() {
        return jdbc.sql("SELECT COUNT(*) FROM organizations").query(Long.class).single();
    }

    public User createUser(UUID organizationId, String email, String passwordHash, String firstName,
            String lastName) {
        User user = new User(UUID.randomUUID(), organizationId, normalize(email), passwordHash, firstName, lastName,
                true);
        jdbc.sql("""
                INSERT INTO users (id, organization_id, email, password_hash, first_name, last_name, is_verified,
                                   created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(user.id(), organizationId, user.email(), passwordHash, firstName, lastName, true,
                        clock.instant().atOffset(ZoneOffset.UTC))
                .update();
        return user;
    }

    public Optional<User> userByEmail(String email) {
        return jdbc.sql("SELECT * FROM users WHERE email = ?").param(normalize(email)).query(Accounts::user).optional();
    }

    public Optional<User> user(UUID id) {
        return jdbc.sql("SELECT * FROM users WHERE id = ?").param(id).query(Accounts::user).optional();
    }

    /** A clinician of the given organization, or empty: never another organization's. */
    public Optional<User> user(UUID organizationId, UUID id) {
        return jdbc.sql("SELECT * FROM users WHERE id = ? AND organization_id = ?").params(id, organizationId)
                .query(Accounts::user).optional();
    }

    public List<User> users(UUID organizationId) {
        return jdbc.sql("SELECT * FROM users WHERE organization_id = ? ORDER BY created_at, id")
                .param(organizationId).query(Accounts::user).list();
    }

    /** One page of an organization's clinicians, oldest first. */
    public List<User> users(UUID organizationId, long limit, long offset) {
        return jdbc.sql("SELECT * FROM users WHERE organization_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?")
                .params(organizationId, limit, offset).query(Accounts::user).list();
    }

    public long countUsers(UUID organizationId) {
        return jdbc.sql("SELECT COUNT(*) FROM users WHERE organization_id = ?").param(organizationId)
                .query(Long.class).single();
    }

    public void bindClient(String registeredClientId, UUID organizationId) {
        jdbc.sql("INSERT INTO client_organizations (registered_client_id, organization_id) VALUES (?, ?)")
                .params(registeredClientId, organizationId).update();
    }

    public Optional<UUID> organizationOfClient(String registeredClientId) {
        return jdbc.sql("SELECT organization_id FROM client_organizations WHERE registered_client_id = ?")
                .param(registeredClientId).query(UUID.class).optional();
    }

    /** Whether any client may ask for this scope (scopes are stored comma-separated). */
    public boolean anyClientWithScope(String scope) {
        return jdbc.sql("SELECT scopes FROM oauth2_registered_client WHERE scopes LIKE ?")
                .param("%" + scope + "%").query(String.class).list().stream()
                .anyMatch(scopes -> List.of(scopes.split(",")).contains(scope));
    }

    static String normalize(String email) {
        return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
    }

    private static Organization organization(ResultSet rs, int row) throws SQLException {
        return new Organization(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("street_address"),
                rs.getString("city"), rs.getString("postal_code"), rs.getString("country"));
    }

    private static User user(ResultSet rs, int row) throws SQLException {
        return new User(rs.getObject("id", UUID.class), rs.getObject("organization_id", UUID.class),
                rs.getString("email"), rs.getString("password_hash"), rs.getString("first_name"),
                rs.getString("last_name"), rs.getBoolean("is_verified"));
    }
}
