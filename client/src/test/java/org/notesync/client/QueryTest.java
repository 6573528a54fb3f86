package org.notesync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.notesync.client.Order.ASC;
import static org.notesync.client.Order.DESC;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class QueryTest {

    static final UUID PATIENT = UUID.fromString("0b7e6a52-3e0e-4e43-a7b2-6a8f7d1d2c33");

    @Test
    void theBriefsExampleProducesTheGuidesParameters() {
        NoteQuery query = NoteQuery.create().createdAfter(Instant.parse("2026-02-24T10:30:00Z")).patient(PATIENT)
                .orderByCreatedAt(ASC).itemsPerPage(100);

        assertThat(query.parameters()).containsExactly(
                Map.entry("createdAt[after]", "2026-02-24T10:30:00+00:00"),
                Map.entry("patient", PATIENT.toString()),
                Map.entry("order[createdAt]", "asc"),
                Map.entry("itemsPerPage", "100"));
        assertThat(query.toQueryString()).isEqualTo(
                "createdAt%5Bafter%5D=2026-02-24T10%3A30%3A00%2B00%3A00"
                        + "&patient=" + PATIENT
                        + "&order%5BcreatedAt%5D=asc&itemsPerPage=100");
    }

    @Test
    void thePlusOfAnOffsetSurvivesTheRoundTripWhereARawPlusWouldBecomeASpace() {
        String encoded = NoteQuery.create().createdAfter(Instant.parse("2026-02-24T10:30:00Z")).toQueryString();

        assertThat(encoded).doesNotContain("+").contains("%2B00%3A00");
        assertThat(URLDecoder.decode(encoded, StandardCharsets.UTF_8)).isEqualTo("createdAt[after]=2026-02-24T10:30:00+00:00");
        // A query string built from it is a valid java.net.URI (raw brackets are not).
        assertThat(URI.create("http://127.0.0.1/notes?" + encoded).getRawQuery()).isEqualTo(encoded);
    }

    @Test
    void fractionsOfASecondAreKeptAndDaysAreSentAsDays() {
        assertThat(NoteQuery.create().updatedStrictlyAfter(Instant.parse("2026-02-24T10:30:00.123456Z")).parameters())
                .containsExactly(Map.entry("updatedAt[strictly_after]", "2026-02-24T10:30:00.123456+00:00"));
        assertThat(NoteQuery.create().createdAfter(LocalDate.of(2026, 2, 17)).parameters())
                .containsExactly(Map.entry("createdAt[after]", "2026-02-17"));
    }

    @Test
    void severalValuesUseTheBracketListAndTheLastCallForAFilterWins() {
        UUID other = UUID.randomUUID();
        NoteQuery query = NoteQuery.create().patient(PATIENT, other).type("consultation_summary")
                .createdBefore(Instant.parse("2026-01-01T00:00:00Z"))
                .createdBefore(Instant.parse("2026-03-01T00:00:00Z"))
                .orderByUpdatedAt(DESC);

        assertThat(query.parameters()).containsExactly(
                Map.entry("patient[]", PATIENT.toString()),
                Map.entry("patient[]", other.toString()),
                Map.entry("type", "consultation_summary"),
                Map.entry("createdAt[before]", "2026-03-01T00:00:00+00:00"),
                Map.entry("order[updatedAt]", "desc"));
        assertThat(query.toQueryString()).startsWith("patient%5B%5D=" + PATIENT + "&patient%5B%5D=" + other);
    }

    @Test
    void searchTextIsPercentEncodedWithSpacesAsPercent20() {
        String encoded = PatientQuery.create().search("Zoë d'Arc & co+").toQueryString();

        assertThat(encoded).isEqualTo("search=Zo%C3%AB%20d%27Arc%20%26%20co%2B");
        assertThat(URLDecoder.decode(encoded, StandardCharsets.UTF_8)).isEqualTo("search=Zoë d'Arc & co+");
    }

    @Test
    void itemsPerPageAndPageAreCheckedBeforeAnythingIsSent() {
        assertThatThrownBy(() -> NoteQuery.create().itemsPerPage(101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NoteQuery.create().itemsPerPage(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NoteQuery.create().page(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(NoteQuery.create().itemsPerPage(0).page(3).parameters())
                .containsExactly(Map.entry("itemsPerPage", "0"), Map.entry("page", "3"));
    }

    @Test
    void rawParametersAreEncodedToo() {
        assertThat(NoteQuery.create().param("exists[archivedAt]", "false").toQueryString())
                .isEqualTo("exists%5BarchivedAt%5D=false");
        assertThat(NoteQuery.create().toQueryString()).isEmpty();
        assertThat(List.of(DeliveryQuery.create().status("failed").webhook(PATIENT).toQueryString()))
                .containsExactly("status=failed&webhook=" + PATIENT);
    }
}
