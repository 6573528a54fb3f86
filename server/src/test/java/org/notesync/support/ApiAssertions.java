package org.notesync.support;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;

/** Assertions every API contract shares: the shape of a problem document, and URLs with filters. */
public final class ApiAssertions {

    private ApiAssertions() {
    }

    /** An RFC 9457 problem document with the given status and every standard field. */
    public static JsonNode assertProblem(Http.Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.header("Content-Type")).as(response.toString()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        for (String field : new String[] {"type", "title", "detail", "instance"}) {
            assertThat(problem.hasNonNull(field)).as(field + " in " + response).isTrue();
            assertThat(problem.get(field).asString()).as(field + " in " + response).isNotBlank();
        }
        return problem;
    }

    /** A 422 whose violations include the given property. */
    public static JsonNode assertViolation(Http.Response response, String propertyPath) {
        JsonNode problem = assertProblem(response, 422);
        assertThat(problem.get("violations").valueStream().map(v -> v.get("propertyPath").asString()))
                .as(response.toString()).contains(propertyPath);
        return problem;
    }

    /**
     * A path with a query string made safe for {@link java.net.URI}: brackets are percent-encoded,
     * everything else is sent as written (so a bare {@code +} arrives as a space, as browsers send it).
     */
    public static String url(String pathAndQuery) {
        return pathAndQuery.replace("[", "%5B").replace("]", "%5D");
    }
}
