package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

class HeaderBearerTokenResolverTest {

    private final HeaderBearerTokenResolver resolver = new HeaderBearerTokenResolver();
    private final DefaultBearerTokenResolver library = new DefaultBearerTokenResolver();

    static Stream<String> headers() {
        return Stream.of("Bearer abc.def-ghi_jkl~mno+pqr/stu", "bearer abc", "BEARER abc", "Bearer abc==",
                "Bearer abc=", "Bearer =", "Bearer ", "Bearer", "Bearer  abc", "Bearer abc ", "Bearer a=b",
                "Bearer ab$c", "Bearer abc\n", "Bearer ab\u00e9c", "Basic dXNlcjpwYXNz", "Bearerabc", "Token abc",
                "", "Bearer a", "Bearer 0123456789", "Bearer ===");
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("headers")
    void answersLikeTheLibraryResolver(String header) {
        assertThat(outcome(resolver, header)).isEqualTo(outcome(library, header));
    }

    @Test
    void answersLikeTheLibraryResolverOnRandomHeaders() {
        Random random = new Random(6750);
        String alphabet = "aZ09-._~+/= $\u00e9\t";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder header = new StringBuilder(random.nextBoolean() ? "Bearer " : "bEaReR");
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                header.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertThat(outcome(resolver, header.toString())).as(header.toString())
                    .isEqualTo(outcome(library, header.toString()));
        }
    }

    @Test
    void takesTheTokenAndRefusesAMalformedOne() {
        assertThat(outcome(resolver, "bearer eyJ.abc-_x==")).isEqualTo("token eyJ.abc-_x==");
        assertThat(outcome(resolver, "Bearer ab c")).isEqualTo("error Bearer token is malformed");
        assertThat(outcome(resolver, "Basic abc")).isEqualTo("none");
        MockHttpServletRequest query = new MockHttpServletRequest("GET", "/notes");
        query.addParameter("access_token", "abc");
        assertThat(resolver.resolve(query)).as("tokens in query strings stay refused").isNull();
    }

    private static String outcome(org.springframework.security.oauth2.server.resource.web.BearerTokenResolver r,
            String header) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/me");
        request.addHeader("Authorization", header);
        try {
            String token = r.resolve(request);
            return token == null ? "none" : "token " + token;
        } catch (OAuth2AuthenticationException e) {
            return "error " + e.getError().getDescription();
        }
    }
}
