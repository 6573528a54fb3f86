package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonCharsetIgnoredTest {

    @Test
    void onlyTheCharsetOfJsonRangesIsTakenOut() {
        assertThat(JsonCharsetIgnored.withoutJsonCharsets("application/json; charset=no-such-charset"))
                .isEqualTo("application/json");
        assertThat(JsonCharsetIgnored.withoutJsonCharsets(
                "text/html;charset=utf-8;q=0.9, application/ld+json;CHARSET=\"a;b\";q=0.5, application/problem+json"))
                .isEqualTo("text/html;charset=utf-8;q=0.9, application/ld+json;q=0.5, application/problem+json");
        assertThat(JsonCharsetIgnored.withoutJsonCharsets("*/*")).isEqualTo("*/*");
        assertThat(JsonCharsetIgnored.withoutJsonCharsets("text/plain;charset=foo, */*;charset=\"bar\";q=0.1"))
                .as("a charset Java does not know, on any range").isEqualTo("text/plain, */*;q=0.1");
        assertThat(JsonCharsetIgnored.withoutJsonCharsets("text/plain;charset=no$such"))
                .isEqualTo("text/plain");
    }
}
