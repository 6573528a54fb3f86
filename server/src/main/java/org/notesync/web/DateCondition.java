package org.notesync.web;

import java.time.Instant;

/** One date filter condition, such as {@code createdAt > 2026-02-17T00:00Z}. */
public record DateCondition(String field, Comparison comparison, Instant value) {

    /** An inclusive upper bound of whole seconds as "before the next second"; anything else as it is. */
    DateCondition throughItsSecond() {
        return comparison == Comparison.LTE && value.getNano() == 0
                ? new DateCondition(field, Comparison.LT, value.plusSeconds(1)) : this;
    }

    public enum Comparison {
        GT(">"), GTE(">="), LT("<"), LTE("<=");

        private final String sql;

        Comparison(String sql) {
            this.sql = sql;
        }

        public String sql() {
            return sql;
        }

        /** API Platform's DateFilter ({@code after} is inclusive) and RangeFilter spellings. */
        static Comparison of(String operator) {
            return switch (operator) {
                case "after", "gte" -> GTE;
                case "before", "lte" -> LTE;
                case "strictly_after", "gt" -> GT;
                case "strictly_before", "lt" -> LT;
                default -> throw new IllegalArgumentException(operator);
            };
        }
    }
}
