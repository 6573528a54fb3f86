package org.notesync.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.notesync.StartupMistake;
import org.notesync.identity.SecretBox;
import org.notesync.identity.Viewer;
import org.notesync.web.CollectionQuery;
import org.notesync.web.Dates;
import org.notesync.web.Page;
import org.notesync.web.SqlWhere;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import static org.notesync.webhook.JdbcDeliveryStore.instant;
import static org.notesync.webhook.JdbcDeliveryStore.utc;

/**
 * Webhook subscriptions, always read and written within one organization. A deleted webhook is only marked
 * ({@code deleted_at}) and is invisible from then on; {@link WebhookPurge} removes it and its log later.
 */
@Repository
class Webhooks {

    /**
     * @param ownerUserId the clinician whose token created it (receives their private patients' notes), or
     *                    null for an organization-wide webhook
     */
    record Webhook(UUID id, UUID organizationId, UUID ownerUserId, String url, List<String> events, boolean active,
            String disabledReason, Instant failingSince, Instant previousSecretUntil, Instant createdAt,
            Instant updatedAt) {
    }

    /**
     * SQL that keeps a delivery's {@code webhook_id} to webhooks not deleted: {@code d.webhook_id + LIVE}.
     * Few webhooks are deleted at a time (the purge removes them), so this is a small hashed set.
     */
    static final String LIVE = " NOT IN (SELECT id FROM webhooks WHERE deleted_at IS NOT NULL)";

    private final JdbcClient jdbc;
    private final Clock clock;

    Webhooks(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    Webhook create(UUID organizationId, UUID ownerUserId, String url, List<String> events, boolean active,
            String encryptedSecret) {
        Instant now = Dates.now(clock);
        Webhook webhook = new Webhook(UUID.randomUUID(), organizationId, ownerUserId, url, List.copyOf(events), active,
                null, null, null, now, now);
        jdbc.sql("""
                INSERT INTO webhooks (id, organization_id, owner_user_id, url, events, active, secret, created_at,
                                      updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(webhook.id(), organizationId, ownerUserId, url, String.join(" ", events), active,
                        encryptedSecret, utc(now), utc(now))
                .update();
        return webhook;
    }

    /**
     * A webhook this caller may see and change: an organization-wide one, or one its own clinician
     * registered. A clinician's webhook is the only way their private patients' notes leave the server, so
     * no other token of the organization may read, redirect, replay or delete it.
     */
    Optional<Webhook> find(Viewer viewer, UUID id) {
        SqlWhere where = visibleTo(viewer, "owner_user_id", new SqlWhere().and("id = :id", "id", id)
                .and("organization_id = :org", "org", viewer.organizationId()).and("deleted_at IS NULL"));
        return jdbc.sql("SELECT * FROM webhooks WHERE " + where.sql()).params(where.parameters())
                .query(Webhooks::webhook).optional();
    }

    /** The organization's active webhooks, whoever owns them: for the work the server does on its own. */
    List<Webhook> active(UUID organizationId) {
        return jdbc.sql("SELECT * FROM webhooks WHERE organization_id = ? AND active = TRUE AND deleted_at IS NULL"
                        + " ORDER BY created_at, id")
                .param(organizationId).query(Webhooks::webhook).list();
    }

    /** A webhook not deleted, whoever asks: for the background work done on it (a recovery). */
    Optional<Webhook> live(UUID id) {
        return jdbc.sql("SELECT * FROM webhooks WHERE id = ? AND deleted_at IS NULL").param(id)
                .query(Webhooks::webhook).optional();
    }

    /**
     * Keeps to the webhooks {@code viewer} may see, by their owner column: organization-wide ones, and
     * those of the caller's clinician (an organization-wide token has none).
     */
    static SqlWhere visibleTo(Viewer viewer, String ownerColumn, SqlWhere where) {
        return viewer.userId() == null ? where.and(ownerColumn + " IS NULL")
                : where.and("(" + ownerColumn + " IS NULL OR " + ownerColumn + " = :viewer)", "viewer", viewer.userId());
    }

    Page<Webhook> list(Viewer viewer, CollectionQuery query) {
        SqlWhere where = visibleTo(viewer, "owner_user_id", new SqlWhere()
                .and("organization_id = :org", "org", viewer.organizationId()).and("deleted_at IS NULL"));
        Boolean active = query.bool("active");
        if (active != null) {
            where.and("active = :active", "active", active);
        }
        where.dates("created_at", query.dates("createdAt"));
        where.dates("updated_at", query.dates("updatedAt"));
        Map<String, Boolean> order = query.order(Set.of("createdAt", "updatedAt", "url"));
        StringBuilder orderBy = new StringBuilder();
        order.forEach((field, asc) -> orderBy.append(switch (field) {
            case "createdAt" -> "created_at";
            case "updatedAt" -> "updated_at";
            default -> "url";
        }).append(asc ? " ASC, " : " DESC, "));
        orderBy.append("created_at ASC, id ASC");
        int page = query.page();
        int size = query.itemsPerPage();
        long total = jdbc.sql("SELECT COUNT(*) FROM webhooks WHERE " + where.sql()).params(where.parameters())
                .query(Long.class).single();
        List<Webhook> items = size == 0 ? List.of() : jdbc.sql("SELECT * FROM webhooks WHERE " + where.sql()
                        + " ORDER BY " + orderBy + " LIMIT :limit OFFSET :offset")
                .params(where.parameters()).param("limit", size).param("offset", (long) (page - 1) * size)
                .query(Webhooks::webhook).list();
        return new Page<>(items, total, page, size);
    }

    /**
     * Saves what a PATCH changes, each property only if given (null leaves it as it is), so that a change
     * committed since the PATCH read the webhook (another PATCH, the engine disabling it or starting its failing
     * streak) is kept. Re-activating clears the reason it was disabled and its failing streak. False when it was
     * deleted meanwhile.
     */
    boolean update(UUID organizationId, UUID id, String url, List<String> events, Boolean active, Instant now) {
        List<String> assignments = new ArrayList<>(List.of("updated_at = :now"));
        Map<String, Object> values = new HashMap<>(Map.of("now", utc(now), "id", id, "org", organizationId));
        if (url != null) {
            assignments.add("url = :url");
            values.put("url", url);
        }
        if (events != null) {
            assignments.add("events = :events");
            values.put("events", String.join(" ", events));
        }
        if (Boolean.TRUE.equals(active)) {
            assignments.add("active = TRUE, disabled_reason = NULL,"
                    + " failing_since = CASE WHEN active THEN failing_since ELSE NULL END");
        } else if (Boolean.FALSE.equals(active)) {
            assignments.add("active = FALSE");
        }
        return jdbc.sql("UPDATE webhooks SET " + String.join(", ", assignments)
                        + " WHERE id = :id AND organization_id = :org AND deleted_at IS NULL")
                .params(values).update() > 0;
    }

    /**
     * Marks it deleted and inactive: no event is written for it from this commit on, and its pending
     * deliveries are no longer claimed. Its row and log stay until {@link WebhookPurge} removes them.
     */
    boolean delete(Viewer viewer, UUID id) {
        Instant now = Dates.now(clock);
        SqlWhere where = visibleTo(viewer, "owner_user_id", new SqlWhere().and("id = :id", "id", id)
                .and("organization_id = :org", "org", viewer.organizationId()).and("deleted_at IS NULL"));
        return jdbc.sql("UPDATE webhooks SET deleted_at = :now, active = FALSE, updated_at = :now WHERE " + where.sql())
                .params(where.parameters()).param("now", utc(now)).update() > 0;
    }

    /** The current secret becomes the previous one, which keeps signing until {@code previousUntil}. */
    void rotate(UUID organizationId, UUID id, String encryptedSecret, Instant previousUntil) {
        jdbc.sql("""
                UPDATE webhooks SET previous_secret = secret, previous_secret_until = ?, secret = ?, updated_at = ?
                WHERE id = ? AND organization_id = ? AND deleted_at IS NULL""")
                .params(utc(previousUntil), encryptedSecret, utc(Dates.now(clock)), id, organizationId)
                .update();
    }

    /**
     * Encrypts again under the master key the secrets its predecessor encrypted (a change of master key), each
     * only if it is still what was read; returns how many.
     *
     * @throws StartupMistake naming the webhook whose secret neither key encrypted
     */
    int reseal(SecretBox secrets) {
        record Stored(UUID id, String secret, String previous) {
        }
        int resealed = 0;
        for (Stored webhook : jdbc.sql("SELECT id, secret, previous_secret FROM webhooks")
                .query((rs, n) -> new Stored(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3))).list()) {
            Optional<String> secret;
            Optional<String> previous;
            try {
                secret = secrets.resealed(webhook.secret());
                previous = Optional.ofNullable(webhook.previous()).flatMap(secrets::resealed);
            } catch (SecretBox.UnreadableSecret e) {
                throw new StartupMistake("Webhook " + webhook.id() + ": " + e.getMessage());
            }
            if (secret.isPresent()) {
                resealed += jdbc.sql("UPDATE webhooks SET secret = ? WHERE id = ? AND secret = ?")
                        .params(secret.get(), webhook.id(), webhook.secret()).update();
            }
            if (previous.isPresent()) {
                resealed += jdbc.sql("UPDATE webhooks SET previous_secret = ? WHERE id = ? AND previous_secret = ?")
                        .params(previous.get(), webhook.id(), webhook.previous()).update();
            }
        }
        return resealed;
    }

    private static Webhook webhook(ResultSet rs, int row) throws SQLException {
        return new Webhook(rs.getObject("id", UUID.class), rs.getObject("organization_id", UUID.class),
                rs.getObject("owner_user_id", UUID.class), rs.getString("url"),
                Arrays.asList(rs.getString("events").split(" ")), rs.getBoolean("active"),
                rs.getString("disabled_reason"), instant(rs, "failing_since"), instant(rs, "previous_secret_until"),
                instant(rs, "created_at"), instant(rs, "updated_at"));
    }
}
