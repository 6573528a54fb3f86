package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.notesync.web.JsonFields;
import org.notesync.web.ValidationException;
import tools.jackson.databind.json.JsonMapper;

/** What a client's registration takes as redirect URIs, in dev mode and in production mode. */
class ClientRegistrationTest {

    private static final List<String> LOOPBACK = List.of("http://127.0.0.1:8081/callback", "http://[::1]/cb",
            "http://localhost:5000/cb", "https://pms.example/cb");

    @Test
    void productionModeTakesHttpsRedirectUrisAndPlainHttpOnlyOnALoopbackAddress() {
        assertThat(AdminController.registration(body(LOOPBACK), true).redirectUris()).containsExactlyElementsOf(LOOPBACK);

        List<String> plain = List.of("https://pms.example/cb", "http://pms.example/cb", "http://10.0.0.5/cb");
        ValidationException refused = catchThrowableOfType(ValidationException.class,
                () -> AdminController.registration(body(plain), true));
        assertThat(refused.violations()).extracting(v -> v.propertyPath())
                .containsExactly("redirectUris[1]", "redirectUris[2]");
        assertThat(refused.violations().get(0).message()).startsWith("This value should be an https URI");

        assertThat(AdminController.registration(body(plain), false).redirectUris()).as("dev mode takes them")
                .containsExactlyElementsOf(plain);
    }

    private static JsonFields body(List<String> redirectUris) {
        return JsonFields.of(JsonMapper.builder().build().valueToTree(Map.of("name", "Practice system",
                "grantTypes", List.of("authorization_code"), "scopes", List.of("profile"),
                "redirectUris", redirectUris)));
    }
}
