package org.notesync.patient;

import java.util.UUID;

import javax.sql.DataSource;

import org.notesync.web.Databases;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A patient's change in progress, which a new note for that patient waits for. A change holds the patient's row
 * to its commit (a change of hands sends the patient's notes to the webhooks that may now receive them); on
 * PostgreSQL it also holds an advisory lock on the patient, which a create waits for in its own thread, taking
 * and dropping it at once. Waiting by a key-share lock on the row instead gave every create a transaction of
 * its own that wrote the lock into the row, took a transaction id and flushed its commit to the WAL
 * (docs/PERFORMANCE.md); an advisory lock writes nothing. H2 has neither: there a create does not wait.
 */
@Component
public class PatientChanges {

    /** The key space of patients' advisory locks: two-integer keys, which never meet the one-bigint ones. */
    static final int SPACE = 0x50_41_54_49; // "PATI"

    private final JdbcClient jdbc;
    private final boolean postgres;

    PatientChanges(JdbcClient jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        this.postgres = Databases.isPostgres(dataSource);
    }

    /**
     * Waits for a change of the patient in progress to commit. Outside a transaction it holds nothing after;
     * inside one it holds a shared lock to its end, taken, as every holder takes it, before the patient's row.
     */
    public void awaitChange(UUID patient) {
        if (postgres) {
            jdbc.sql("SELECT pg_advisory_xact_lock_shared(:space, :key)").param("space", SPACE)
                    .param("key", key(patient)).query().listOfRows();
        }
    }

    /** Held by a change of the patient to its transaction's end; taken before the row's lock. */
    void begin(UUID patient) {
        if (postgres) {
            jdbc.sql("SELECT pg_advisory_xact_lock(:space, :key)").param("space", SPACE).param("key", key(patient))
                    .query().listOfRows();
        }
    }

    /** Two patients sharing a key only wait for each other's changes. */
    static int key(UUID patient) {
        long bits = patient.getMostSignificantBits() ^ patient.getLeastSignificantBits();
        return (int) (bits ^ (bits >>> 32));
    }
}
