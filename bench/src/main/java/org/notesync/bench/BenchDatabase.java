package org.notesync.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The bench's own database on the local PostgreSQL: dropped and created again for every scenario, so runs
 * do not depend on each other. Also writes the million-note data set straight into the server's tables
 * and reads the delivery queue for the drills' checks.
 */
final class BenchDatabase {

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    final String base;
    final String name;
    final String user;
    final String password;

    BenchDatabase(String base, String name, String user, String password) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("--database must be a plain lower-case name, not " + name);
        }
        this.base = base.endsWith("/") ? base : base + "/";
        this.name = name;
        this.user = user;
        this.password = password;
    }

    String url() {
        return base + name;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), user, password);
    }

    private Connection admin() throws SQLException {
        return DriverManager.getConnection(base + "postgres", user, password);
    }

    /** Drops the bench database (ending its sessions) and creates it empty. */
    void recreate() throws SQLException {
        drop();
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
    }

    void drop() throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name
                    + "' AND pid <> pg_backend_pid()");
            s.execute("DROP DATABASE IF EXISTS " + name);
        }
    }

    /** Whether PostgreSQL answers a query now. */
    boolean reachable() {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Waits until PostgreSQL answers, at most {@code patience}. */
    boolean awaitReachable(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            if (reachable()) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    String version() {
        try (Connection c = admin(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1);
        } catch (SQLException e) {
            return "PostgreSQL (version unknown: " + e.getMessage() + ")";
        }
    }

    /** Delivery rows by status, e.g. {@code {succeeded=10000}}. */
    Map<String, Long> deliveriesByStatus() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT status, COUNT(*) FROM webhook_deliveries GROUP BY status ORDER BY status")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    /** The event ids (note uuids for new_note) of one webhook's deliveries in a status. */
    java.util.Set<UUID> eventIds(UUID webhook, String status) throws SQLException {
        java.util.Set<UUID> ids = new java.util.HashSet<>();
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("""
                SELECT e.event_id FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                WHERE d.webhook_id = ? AND d.status = ?""")) {
            s.setObject(1, webhook);
            s.setString(2, status);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }

    /**
     * The polling benchmark's data set, written with SQL rather than through the API: per organization
     * {@code clinicians} more clinicians, {@code patients} patients (one in ten private to a clinician) and
     * {@code notes} notes spread over the last 365 days, numbered in the change feed like committed notes.
     */
    void loadNotes(UUID organization, int clinicians, int patients, int notes) throws SQLException {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement users = c.prepareStatement("""
                    INSERT INTO users (id, organization_id, email, password_hash, first_name, last_name, is_verified,
                                       created_at)
                    SELECT gen_random_uuid(), ?, 'dataset-' || ? || '-' || g || '@bench.notesync.local', '!',
                           'Clinician', 'D' || g, TRUE, now() - interval '400 days'
                    FROM generate_series(1, ?) g""")) {
                users.setObject(1, organization);
                users.setString(2, organization.toString());
                users.setInt(3, clinicians);
                users.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("""
                    WITH u AS (SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE organization_id = ?)
                    INSERT INTO patients (id, organization_id, user_id, first_name, last_name, gender, visibility_option,
                                          external_id, created_at, updated_at)
                    SELECT gen_random_uuid(), ?, u.ids[1 + g % array_length(u.ids, 1)], 'Patient', 'D' || g,
                           (ARRAY['female', 'male', 'unknown'])[1 + g % 3],
                           CASE WHEN g % 10 = 0 THEN 'private' ELSE 'shared' END,
                           'PMS-' || g, now() - interval '400 days', now() - interval '400 days'
                    FROM u, generate_series(1, ?) g""")) {
                s.setObject(1, organization);
                s.setObject(2, organization);
                s.setInt(3, patients);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("""
                    WITH p AS (SELECT array_agg(id ORDER BY id) AS ids FROM patients WHERE organization_id = ?),
                         u AS (SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE organization_id = ?),
                         n AS (SELECT g, now() - random() * interval '365 days' AS at FROM generate_series(1, ?) g)
                    INSERT INTO notes (id, organization_id, patient_id, user_id, type, content, created_at, updated_at,
                                       feed_seq)
                    SELECT gen_random_uuid(), ?, p.ids[1 + floor(random() * array_length(p.ids, 1))::int],
                           u.ids[1 + g % array_length(u.ids, 1)],
                           (ARRAY['consultation_summary', 'referral_letter', 'follow_up'])[1 + g % 3],
                           ? || ' (' || g || ')', n.at, n.at, nextval('note_feed_seq')
                    FROM p, u, n""")) {
                s.setObject(1, organization);
                s.setObject(2, organization);
                s.setInt(3, notes);
                s.setObject(4, organization);
                s.setString(5, Tenants.NOTE_CONTENT);
                s.executeUpdate();
            }
            c.commit();
        }
    }

    /** Fresh planner statistics and visibility map after the bulk load, as autovacuum would make them. */
    void analyze() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("VACUUM ANALYZE");
        }
    }

    /** A few patients of an organization that a client-credentials token sees (shared ones). */
    java.util.List<UUID> sharedPatients(UUID organization, int limit) throws SQLException {
        java.util.List<UUID> ids = new java.util.ArrayList<>();
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("""
                SELECT id FROM patients WHERE organization_id = ? AND visibility_option = 'shared'
                ORDER BY id LIMIT ?""")) {
            s.setObject(1, organization);
            s.setInt(2, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }
}
