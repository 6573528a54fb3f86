package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpStatus;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

class CollectionQueryTest {

    private static CollectionQuery query(String... keyValues) {
        MultiValueMap<String, String> map = new LinkedMultiValueMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.add(keyValues[i], keyValues[i + 1]);
        }
        return new CollectionQuery(map);
    }

    @ParameterizedTest
    @CsvSource({
            "after, GTE", "gte, GTE", "before, LTE", "lte, LTE",
            "strictly_after, GT", "gt, GT", "strictly_before, LT", "lt, LT"})
    void everyDateOperatorMapsToItsComparison(String operator, DateCondition.Comparison expected) {
        List<DateCondition> conditions = query("createdAt[" + operator + "]", "2026-02-17").dates("createdAt");
        assertThat(conditions).containsExactly(new DateCondition("createdAt", expected,
                Instant.parse("2026-02-17T00:00:00Z")));
    }

    @Test
    void anEmptyDateOrOrderFiltersAndOrdersByNothingAsEveryEmptyFilter() {
        assertThat(query("createdAt[after]", "", "createdAt[between]", "").dates("createdAt")).isEmpty();
        assertThat(query("order[createdAt]", "").order(Set.of("createdAt"))).isEmpty();
        assertThat(query("order[createdAt]", "DESC").order(Set.of("createdAt"))).containsEntry("createdAt", false);
    }

    @Test
    void betweenGivesBothBoundsInclusive() {
        List<DateCondition> conditions = query("updatedAt[between]", "2026-02-17..2026-02-18T12:00:00+02:00")
                .dates("updatedAt");
        assertThat(conditions).containsExactly(
                new DateCondition("updatedAt", DateCondition.Comparison.GTE, Instant.parse("2026-02-17T00:00:00Z")),
                new DateCondition("updatedAt", DateCondition.Comparison.LTE, Instant.parse("2026-02-18T10:00:00Z")));
    }

    @Test
    void anOffsetWhosePlusBecameASpaceIsStillRead() {
        List<DateCondition> conditions = query("createdAt[after]", "2026-02-24T10:30:00 01:00").dates("createdAt");
        assertThat(conditions.get(0).value()).isEqualTo(Instant.parse("2026-02-24T09:30:00Z"));
    }

    @Test
    void unknownOperatorIsA400NamingTheParameter() {
        assertThatThrownBy(() -> query("createdAt[since]", "2026-02-17").dates("createdAt"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST);
                    assertThat(e.getMessage()).contains("createdAt[since]");
                });
    }

    @Test
    void badDateIsA400NamingTheParameter() {
        assertThatThrownBy(() -> query("createdAt[before]", "yesterday").dates("createdAt"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("createdAt[before]"));
        assertThatThrownBy(() -> query("createdAt[between]", "2026-02-17").dates("createdAt"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains(".."));
    }

    @Test
    void exactFiltersReadPlainRepeatedAndBracketedListsAndIris() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        assertThat(query("patient", a.toString()).uuids("patient")).containsExactly(a);
        assertThat(query("patient[]", a.toString(), "patient[]", "/patients/" + b).uuids("patient"))
                .containsExactly(a, b);
        assertThatThrownBy(() -> query("patient", "not-a-uuid").uuids("patient"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("\"patient\""));
    }

    @Test
    void paginationDefaultsClampsAndRejects() {
        assertThat(query().page()).isEqualTo(1);
        assertThat(query().itemsPerPage()).isEqualTo(20);
        assertThat(query("itemsPerPage", "500").itemsPerPage()).isEqualTo(100);
        assertThat(query("itemsPerPage", "0").itemsPerPage()).isZero();
        assertThatThrownBy(() -> query("page", "0").page()).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> query("page", "two").page()).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> query("itemsPerPage", "-1").itemsPerPage()).isInstanceOf(ApiException.class)
                .hasMessageContaining("0 or more").hasMessageContaining("more than 100 is taken as 100");
    }

    @Test
    void orderKeepsTheGivenFieldsAndRejectsOthers() {
        Map<String, Boolean> order = query("order[updatedAt]", "desc", "order[createdAt]", "ASC")
                .order(Set.of("createdAt", "updatedAt"));
        assertThat(order).containsExactly(Map.entry("updatedAt", false), Map.entry("createdAt", true));
        assertThatThrownBy(() -> query("order[content]", "asc").order(Set.of("createdAt")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("order[content]"));
        assertThatThrownBy(() -> query("order[createdAt]", "up").order(Set.of("createdAt")))
                .isInstanceOf(ApiException.class);
    }
}
