package org.notesync.note;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.notesync.identity.Viewer;
import org.notesync.web.CollectionQuery;
import org.notesync.web.DateCondition;
import org.notesync.web.SqlOrder;
import org.notesync.web.SqlWhere;

/**
 * The filters of {@code GET /notes}, the guide's polling call: exact {@code patient}, {@code audio},
 * {@code user}, {@code type} (single or {@code []} lists), dates on {@code createdAt} and
 * {@code updatedAt}, {@code order[createdAt|updatedAt]}.
 */
record NoteFilter(List<UUID> patients, List<UUID> audios, List<UUID> users, List<String> types,
        List<DateCondition> created, List<DateCondition> updated, Map<String, Boolean> order) {

    private static final Set<String> EXACT = Set.of("patient", "audio", "user", "type");
    private static final Map<String, String> COLUMNS = Map.of("createdAt", "n.created_at",
            "updatedAt", "n.updated_at");

    static NoteFilter of(CollectionQuery query) {
        query.rejectOperators(EXACT);
        return new NoteFilter(query.uuids("patient"), query.uuids("audio"), query.uuids("user"),
                query.strings("type"), query.datesShownToTheSecond("createdAt"),
                query.datesShownToTheSecond("updatedAt"),
                query.order(COLUMNS.keySet()));
    }

    /**
     * One organization's notes whose patient the viewer sees. The organization comes first so that each
     * filter walks one of the (organization_id, ...) indexes of V1.
     */
    SqlWhere where(Viewer viewer) {
        SqlWhere where = new SqlWhere().and("n.organization_id = :org", "org", viewer.organizationId());
        // A note follows its patient's visibility (the SQL form of Viewer.sees), so counts and pages stay
        // right. Written as "not one of the few patients hidden from this viewer" rather than as a join, so
        // that a count walks one index and never the patients table (docs/PERFORMANCE.md).
        if (viewer.userId() == null) {
            where.and("n.patient_id NOT IN (SELECT hp.id FROM patients hp WHERE hp.organization_id = :org"
                    + " AND hp.visibility_option = 'private')");
        } else {
            where.and("n.patient_id NOT IN (SELECT hp.id FROM patients hp WHERE hp.organization_id = :org"
                    + " AND hp.visibility_option = 'private' AND (hp.user_id IS NULL OR hp.user_id <> :viewer))",
                    "viewer", viewer.userId());
        }
        where.in("n.patient_id", "patients", patients);
        where.in("n.audio_id", "audios", audios);
        where.in("n.user_id", "users", users);
        where.in("n.type", "types", types);
        where.dates("n.created_at", created);
        where.dates("n.updated_at", updated);
        return where;
    }

    /** The requested order (oldest first by default), tie-broken by id so that paging is stable. */
    String orderBy() {
        return SqlOrder.of(order, COLUMNS, "n.created_at", "n.id");
    }
}
