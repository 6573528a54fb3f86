package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.notesync.NotesyncProperties;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.util.unit.DataSize;

class ContextsTest {

    /** The context names the server's configured public URL, whatever Host a request sends. */
    @Test
    void theVocabularyIsUnderTheConfiguredIssuerNotTheRequestsHost() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/contexts/Note");
        request.setServerName("evil.example");
        assertThat(vocab(new Contexts(properties("https://notes.example.org/")), request))
                .isEqualTo("https://notes.example.org/docs.jsonld#");
        assertThat(vocab(new Contexts(properties(null)), request)).as("no issuer (dev): the request's")
                .isEqualTo("http://evil.example/docs.jsonld#");
    }

    @SuppressWarnings("unchecked")
    private static String vocab(Contexts contexts, MockHttpServletRequest request) {
        Map<String, Object> body = (Map<String, Object>) contexts.context("Note", request).getBody();
        return (String) ((Map<String, Object>) body.get("@context")).get("@vocab");
    }

    private static NotesyncProperties properties(String issuer) {
        return new NotesyncProperties(NotesyncProperties.Mode.DEV, null, null, "./data", issuer, DataSize.ofMegabytes(1),
                null);
    }
}
