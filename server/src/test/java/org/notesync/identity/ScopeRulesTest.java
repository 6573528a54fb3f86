package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockHttpServletRequest;

class ScopeRulesTest {

    /**
     * Spring MVC answers a HEAD with the GET's handler, and its headers tell what the body would have held (a
     * page's Link header counts the patients a search finds), so a HEAD needs what the GET needs.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/me", "/users", "/users/1", "/patients", "/patients/1", "/notes", "/notes/1",
            "/notes/feed", "/audios", "/audios/1", "/audios/1/file", "/webhooks", "/webhooks/1",
            "/webhook-deliveries", "/webhook-deliveries/1", "/admin/organizations"})
    void aHeadNeedsTheScopeOfItsGet(String path) {
        Optional<List<String>> get = ScopeRules.required(new MockHttpServletRequest("GET", path));
        assertThat(get).isPresent();
        assertThat(ScopeRules.required(new MockHttpServletRequest("HEAD", path))).isEqualTo(get);
    }
}
