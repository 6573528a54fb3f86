package org.notesync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class ResponseExcerptsTest {

    private static final byte[] REQUEST = """
            {"events":[{"id":"0b3c8f4e-52a1-4d8e-9a39-3f2f1c1f6d10","resource_type":"note","action":"new_note",
            "metadata":{"note":{"uuid":"0b3c8f4e-52a1-4d8e-9a39-3f2f1c1f6d10","type":"consultation_summary",
            "content":"HIV positive","createdAt":"2026-02-24T10:30:00+00:00","updatedAt":"2026-02-24T10:30:00+00:00",
            "patient":{"uuid":"5d7e2a1b-0c3d-4e5f-8a9b-1c2d3e4f5a6b","firstName":"Jane","lastName":"Doe"}}},
            "resource_metadata":{"user_id":"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d","organization_id":null}},
            {"id":"1c3c8f4e-52a1-4d8e-9a39-3f2f1c1f6d10","metadata":{"note":{"content":
            "Patient presents with a persistent dry cough since March, no fever, lungs clear on auscultation."}}}],
            "meta":{"webhook_id":"7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910"}}""".getBytes(StandardCharsets.UTF_8);

    @Test
    void aShortNoteRepeatedWholeIsWithheld() {
        assertThat(ResponseExcerpts.of("{\"error\":\"could not import note: HIV positive\"}", REQUEST))
                .isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("could not import: hiv POSITIVE", REQUEST)).as("whatever the case")
                .isEqualTo(ResponseExcerpts.WITHHELD);
    }

    @Test
    void aPatientsNamesRepeatedApartAreWithheld() {
        assertThat(ResponseExcerpts.of("no chart found for Jane", REQUEST)).isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("patient DOE unknown", REQUEST)).isEqualTo(ResponseExcerpts.WITHHELD);
    }

    @Test
    void lowerCaseWordsAreHealthDataTooUnlessTheyNameTheEvent() {
        byte[] request = ("{\"events\":[{\"action\":\"new_note\",\"metadata\":{\"note\":{\"type\":\"memo\","
                + "\"content\":\"schizophrenia\",\"patient\":{\"firstName\":\"jane\",\"lastName\":\"li\"}}}}]}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(ResponseExcerpts.of("could not import note: schizophrenia", request))
                .isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("no chart for jane", request)).isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("invalid signature", request)).as("a two-letter name inside a word")
                .isEqualTo("invalid signature");
        assertThat(ResponseExcerpts.of("unknown action new_note", request)).isEqualTo("unknown action new_note");
        assertThat(ResponseExcerpts.of("unknown note type memo", request)).as("a type may say what a note is about")
                .isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("no chart for patient Li", request)).as("a two-letter name as a word")
                .isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("no chart for patient li-x", request)).isEqualTo(ResponseExcerpts.WITHHELD);
    }

    @Test
    void noEncodingOfTheAnswerHidesAValue() {
        byte[] request = "{\"patient\":{\"firstName\":\"José\",\"lastName\":\"Núñez\"},\"content\":\"Иванов\"}"
                .getBytes(StandardCharsets.UTF_8);
        String cutJson = "{\"detail\":\"no chart for Jos\\u00e9 N\\u00fa\\u00f1ez: " + "x".repeat(1000);
        assertThat(ResponseExcerpts.of(cutJson, true, request)).as("escaped inside a string cut short")
                .isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("{\"n\":\"\\u0418\\u0432\\u0430\\u043d\\u043e\\u0432", true, request))
                .as("Cyrillic escaped").isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("error: unknown N\\u00fa\\u00f1ez", request)).as("escaped in plain text")
                .isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("{\"body\":\"{\\\"name\\\":\\\"N\\\\u00fa\\\\u00f1ez\\\"}\"}", request))
                .as("JSON in a JSON string").isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("<p>no chart for N&uacute;&ntilde;ez</p>", request)).as("HTML entities")
                .isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("unknown Nu\u0301n\u0303ez", request)).as("decomposed accents")
                .isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("GET /charts?name=N%C3%BA%C3%B1ez 404", request)).as("%-escaped")
                .isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("{\"url\":\"/p/Jos%c3%a9%20N%C3%BA%C3%B1ez\"}", request))
                .as("%-escaped in JSON").isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("no chart for N%FA%F1ez", request)).as("%-escaped Latin-1")
                .isEqualTo(ResponseExcerpts.WITHHELD);
        byte[] note = "{\"content\":\"Patient reports chest pain since Monday\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(ResponseExcerpts.of("GET /search?q=reports+chest+pain 404", note)).as("a query string's + spaces")
                .isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("unknown patient Jose Nunez", request)).as("accents dropped")
                .isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("<td>N<b>&uacute;</b>&ntilde;ez</td>", request)).as("a name split by markup")
                .isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("b'N\\xc3\\xba\\xc3\\xb1ez'", request)).as("bytes as Python prints them")
                .isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("<td>reports&nbsp;chest&nbsp;pain</td>", note)).as("&nbsp; for spaces")
                .isEqualTo(ResponseExcerpts.WITHHELD);
        byte[] shortValues = ("{\"metadata\":{\"note\":{\"type\":\"dap\",\"patient\":{\"firstName\":\"Orin\"}}},"
                + "\"meta\":{\"webhook_id\":\"w\"}}").getBytes(StandardCharsets.UTF_8);
        for (String answer : List.of("{\"error\":\"invalid api key\"}", "{\"error\":\"invalid signature\"}",
                "webhooks not enabled")) {
            assertThat(ResponseExcerpts.of(answer, shortValues)).as("short values across words: " + answer)
                    .isEqualTo(answer);
        }
        assertThat(ResponseExcerpts.of("no chart: ORIN", shortValues)).isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("100% of 5%AZ failed", request)).as("a % that escapes nothing")
                .isEqualTo("100% of 5%AZ failed");
        assertThat(ResponseExcerpts.of("{\"error\":\"duplicate \\u0022id\\u0022\"}", request))
                .as("escapes alone withhold nothing").isEqualTo("{\"error\":\"duplicate \\u0022id\\u0022\"}");
    }

    @Test
    void aRunOfALongNoteIsWithheld() {
        assertThat(ResponseExcerpts.of("rejected: 'dry cough si'", REQUEST)).as("12 characters of it")
                .isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("rejected: 'dry cough s'", REQUEST)).as("11: ordinary words")
                .isEqualTo("rejected: 'dry cough s'");
    }

    @Test
    void aRunIsFoundAnywhereInALongNote() {
        String note = "x".repeat(99_000) + "unmistakable phrase" + "y".repeat(900);
        byte[] request = ("{\"content\":\"" + note + "\"}").getBytes(StandardCharsets.UTF_8);
        assertThat(ResponseExcerpts.of("failed at: MISTAKABLE PH", request)).isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("failed at: mistakable", request)).as("10 characters in a row only")
                .isEqualTo("failed at: mistakable");
    }

    @Test
    void aJsonAnswerIsComparedDecoded() {
        byte[] request = "{\"content\":\"Sérologie positive\",\"firstName\":\"Zoé\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(ResponseExcerpts.of("{\"note\": \"S\\u00e9rologie positive\"}", request))
                .isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("{\"patient\": \"Zo\\u00e9\", \"error\": \"dupl", request))
                .as("cut short after the name").isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("{\"error\": \"duplicate\"}", request)).isEqualTo("{\"error\": \"duplicate\"}");
    }

    @Test
    void aNameCutShortByTheExcerptsEndIsWithheld() {
        String padding = "a".repeat(HttpWebhookSender.EXCERPT_BYTES - " Jan".length());
        assertThat(ResponseExcerpts.of(padding + " Jan", true, REQUEST)).as("cut at 1 KiB: the start of Jane")
                .isEqualTo(ResponseExcerpts.WITHHELD);
        String note = "a".repeat(HttpWebhookSender.EXCERPT_BYTES - " Patient pres".length()) + " Patient pres";
        assertThat(ResponseExcerpts.of(note, true, REQUEST)).as("the start of a note, under a run")
                .isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("unknown patient: Jan", REQUEST)).as("not cut: a word of its own")
                .isEqualTo("unknown patient: Jan");
        String ordinary = "b".repeat(HttpWebhookSender.EXCERPT_BYTES - 4) + " xyz";
        assertThat(ResponseExcerpts.of(ordinary, true, REQUEST)).isEqualTo(ordinary);
    }

    @Test
    void aCutIsJudgedByTheFlagNotByTheLengthKept() {
        // A CRLF answer loses its carriage returns: what is kept is shorter than the 1 KiB that was read.
        String lines = "error\n".repeat(100) + "patient: Jan";
        assertThat(lines.length()).isLessThan(HttpWebhookSender.EXCERPT_BYTES - 3);
        assertThat(ResponseExcerpts.of(lines, true, REQUEST)).isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of(lines, false, REQUEST)).as("whole: Jan is a word of its own")
                .isEqualTo(lines);
    }

    @Test
    void aCutInsideAnEscapedValueIsComparedDecoded() {
        byte[] request = "{\"patient\":{\"firstName\":\"Ren\u00e9e-Claire\"}}".getBytes(StandardCharsets.UTF_8);
        assertThat(ResponseExcerpts.of("{\"unknown\": \"Ren\\u00e9e-Cl", true, request))
                .as("ends in Ren\u00e9e-Cl once decoded").isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("{\"unknown\": \"Re\\u00", true, request))
                .as("an escape cut in half: ends in Re, too short; the escape is dropped")
                .isEqualTo("{\"unknown\": \"Re\\u00");
        assertThat(ResponseExcerpts.of("{\"unknown\": \"Ren\\u00", true, request))
                .as("ends in Ren once the half escape is dropped").isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("<p>no chart for Ren&eac", true, request))
                .as("ends in Ren once the entity cut before its ; is dropped").isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("no chart for Ren%C3%A", true, request))
                .as("ends in Ren once the UTF-8 sequence cut short is dropped").isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("no chart for Re&eac", true, request)).as("ends in Re: too short")
                .isEqualTo("no chart for Re&eac");
        assertThat(ResponseExcerpts.percentDecoded("Zq%70atrick%2")).isEqualTo("Zqpatrick");
        assertThat(ResponseExcerpts.unescaped("a\\\\u0041\\n\\\"\\u004")).as("an escaped backslash is no escape")
                .isEqualTo("a\\u0041\n\"");
    }

    @Test
    void thePayloadsIdentifiersAreNoHealthDataAndStay() {
        String answer = "422 unknown action new_note for note 0b3c8f4e-52a1-4d8e-9a39-3f2f1c1f6d10 of resource_type "
                + "note created 2026-02-24T10:30:00+00:00 (webhook 7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910)";
        assertThat(ResponseExcerpts.of(answer, REQUEST)).isEqualTo(answer);
        assertThat(ResponseExcerpts.of("missing field x", REQUEST)).isEqualTo("missing field x");
    }

    @Test
    void aRequestThatIsNoJsonIsComparedWhole() {
        byte[] text = "plain text carrying Jane Doe's chart".getBytes(StandardCharsets.UTF_8);
        assertThat(ResponseExcerpts.of("echo: Jane Doe's chart", text)).isEqualTo(ResponseExcerpts.WITHHELD);
        assertThat(ResponseExcerpts.of("bad request", text)).isEqualTo("bad request");
        assertThat(ResponseExcerpts.of(null, text)).isNull();
    }
}
