package org.notesync.client;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Reads error responses into the SDK's exceptions without ever quoting a body that is not a problem document. */
final class Responses {

    private Responses() {
    }

    static boolean isJson(HttpResponse<byte[]> response) {
        String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase();
        return type.contains("json");
    }

    static JsonNode json(HttpResponse<byte[]> response) {
        byte[] body = response.body();
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new TransportException("The response to " + response.request().method() + " "
                    + response.request().uri().getRawPath() + " is not valid JSON", e);
        }
    }

    static ApiException apiError(HttpResponse<byte[]> response, Transport transport) {
        int status = response.statusCode();
        Problem problem = null;
        if (isJson(response) && response.body() != null && response.body().length > 0) {
            try {
                JsonNode node = Json.MAPPER.readTree(response.body());
                if (node != null && node.isObject()) {
                    problem = Json.MAPPER.treeToValue(node, Problem.class);
                    if (problem.status() == 0 || problem.title() == null) {
                        problem = new Problem(problem.type(), problem.title() == null ? reason(status) : problem.title(),
                                problem.status() == 0 ? status : problem.status(), problem.detail(),
                                problem.instance(), problem.violations());
                    }
                }
            } catch (JacksonException | IllegalArgumentException unreadable) {
                problem = null;
            }
        }
        if (problem == null) {
            problem = new Problem(null, reason(status), status, null, URI.create(response.request().uri().getRawPath()),
                    null);
        }
        Duration retryAfter = status == 429 ? transport.rateLimitWait(response.headers()).orElse(null) : null;
        return ApiException.of(status, problem, retryAfter);
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "HTTP " + status;
        };
    }
}
