package org.notesync.patient;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * The filters of {@code GET /patients}: {@code externalId}, {@code user} (or {@code user.uuid}),
 * {@code search} on names, dates on {@code createdAt}, {@code updatedAt} and {@code synchronizedAt},
 * {@code order[createdAt|updatedAt|lastName]}.
 */
record PatientFilter(List<String> externalIds, List<UUID> owners, List<String> searchTerms,
        List<DateCondition> created, List<DateCondition> updated, List<DateCondition> synchronizedAt,
        Map<String, Boolean> order) {

    private static final Set<String> EXACT = Set.of("externalId", "user", "user.uuid", "search");
    private static final Set<String> ORDERABLE = Set.of("createdAt", "updatedAt", "lastName");
    private static final Map<String, String> COLUMNS = Map.of("createdAt", "p.created_at",
            "updatedAt", "p.updated_at", "lastName", "p.last_name");
    private static final int MAX_SEARCH = 200;

    static PatientFilter of(CollectionQuery query) {
        query.rejectOperators(EXACT);
        List<UUID> owners = new ArrayList<>(query.uuids("user"));
        owners.addAll(query.uuids("user.uuid"));
        String search = String.join(" ", query.strings("search"));
        if (search.length() > MAX_SEARCH) {
            throw ApiException.badParameter("search", "must be " + MAX_SEARCH + " characters or fewer.");
        }
        List<String> terms = search.isBlank() ? List.of()
                : List.of(search.trim().toLowerCase(Locale.ROOT).split("\\s+"));
        return new PatientFilter(query.strings("externalId"), owners, terms, query.datesShownToTheSecond("createdAt"),
                query.datesShownToTheSecond("updatedAt"), query.datesShownToTheSecond("synchronizedAt"), query.order(ORDERABLE));
    }

    /** One organization's live patients that the viewer may see, filtered; organization first for the indexes. */
    SqlWhere where(Viewer viewer) {
        SqlWhere where = new SqlWhere()
                .and("p.organization_id = :org", "org", viewer.organizationId())
                .and("p.deleted_at IS NULL");
        // The SQL form of Viewer.sees: filtering in the query keeps counts and pages right.
        if (viewer.userId() == null) {
            where.and("(p.visibility_option IS NULL OR p.visibility_option <> 'private')");
        } else {
            where.and("(p.visibility_option IS NULL OR p.visibility_option <> 'private' OR p.user_id = :viewer)",
                    "viewer", viewer.userId());
        }
        where.in("p.external_id", "externalIds", externalIds);
        where.in("p.user_id", "owners", owners);
        for (int i = 0; i < searchTerms.size(); i++) {
            String name = "search" + i;
            where.and("(LOWER(p.first_name) LIKE :" + name + " ESCAPE '!' OR LOWER(p.last_name) LIKE :" + name
                    + " ESCAPE '!')", name, "%" + escapeLike(searchTerms.get(i)) + "%");
        }
        where.dates("p.created_at", created);
        where.dates("p.updated_at", updated);
        where.dates("p.synchronized_at", synchronizedAt);
        return where;
    }

    /** The requested order, tie-broken by id so that pages neither repeat nor skip a patient. */
    String orderBy() {
        return SqlOrder.of(order, COLUMNS, "p.created_at", "p.id");
    }

    private static String escapeLike(String term) {
        return term.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
