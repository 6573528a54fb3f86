package org.notesync.audio;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.notesync.identity.Viewer;
import org.notesync.web.ApiException;
import org.notesync.web.CollectionQuery;
import org.notesync.web.DateCondition;
import org.notesync.web.SqlOrder;
import org.notesync.web.SqlWhere;

/**
 * The filters of {@code GET /audios}: exact {@code patient}, {@code user}, {@code languageSpoken},
 * {@code status} (single or {@code []} lists), {@code search} (accent- and case-insensitive, every word
 * must appear in the transcription), dates on {@code createdAt} and {@code updatedAt},
 * {@code order[createdAt|updatedAt]}.
 */
record AudioFilter(List<UUID> patients, List<UUID> users, List<String> languages, List<String> statuses,
        List<String> searchTerms, List<DateCondition> created, List<DateCondition> updated,
        Map<String, Boolean> order) {

    private static final Set<String> EXACT = Set.of("patient", "user", "languageSpoken", "status", "search");
    private static final Map<String, String> COLUMNS = Map.of("createdAt", "a.created_at",
            "updatedAt", "a.updated_at");
    private static final int MAX_SEARCH = 200;

    static AudioFilter of(CollectionQuery query) {
        query.rejectOperators(EXACT);
        List<String> statuses = query.strings("status");
        for (String status : statuses) {
            if (!AudioStatus.WIRE_NAMES.contains(status)) {
                throw ApiException.badParameter("status", "must be one of " + String.join(", ", AudioStatus.WIRE_NAMES)
                        + ".");
            }
        }
        String search = String.join(" ", query.strings("search"));
        if (search.length() > MAX_SEARCH) {
            throw ApiException.badParameter("search", "must be " + MAX_SEARCH + " characters or fewer.");
        }
        List<String> terms = search.isBlank() ? List.of() : List.of(SearchText.normalize(search.trim()).split("\\s+"));
        return new AudioFilter(query.uuids("patient"), query.uuids("user"), query.strings("languageSpoken"),
                statuses, terms, query.datesShownToTheSecond("createdAt"),
                query.datesShownToTheSecond("updatedAt"), query.order(COLUMNS.keySet()));
    }

    /** One organization's audios whose patient the viewer sees; organization first, for the V6 indexes. */
    SqlWhere where(Viewer viewer) {
        SqlWhere where = new SqlWhere().and("a.organization_id = :org", "org", viewer.organizationId());
        // An audio follows its patient's visibility (the SQL form of Viewer.sees), as a note does.
        if (viewer.userId() == null) {
            where.and("(p.visibility_option IS NULL OR p.visibility_option <> 'private')");
        } else {
            where.and("(p.visibility_option IS NULL OR p.visibility_option <> 'private' OR p.user_id = :viewer)",
                    "viewer", viewer.userId());
        }
        where.in("a.patient_id", "patients", patients);
        where.in("a.user_id", "users", users);
        where.in("a.language_spoken", "languages", languages);
        where.in("a.status", "statuses", statuses);
        for (int i = 0; i < searchTerms.size(); i++) {
            String name = "search" + i;
            where.and("a.transcription_search LIKE :" + name + " ESCAPE '!'", name,
                    "%" + escapeLike(searchTerms.get(i)) + "%");
        }
        where.dates("a.created_at", created);
        where.dates("a.updated_at", updated);
        return where;
    }

    /** The requested order (oldest first by default), tie-broken by id so that paging is stable. */
    String orderBy() {
        return SqlOrder.of(order, COLUMNS, "a.created_at", "a.id");
    }

    private static String escapeLike(String term) {
        return term.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
