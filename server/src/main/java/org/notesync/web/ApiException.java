package org.notesync.web;

import org.springframework.http.HttpStatus;

/**
 * A client error that becomes a problem document. The detail must never carry note content or
 * patient data: it is shown to the caller and may end up in their logs.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String title;

    public ApiException(HttpStatus status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public static ApiException notFound(String resource) {
        return new ApiException(HttpStatus.NOT_FOUND, "Not Found", resource + " not found.");
    }

    public static ApiException badParameter(String parameter, String why) {
        return new ApiException(HttpStatus.BAD_REQUEST, "Invalid query parameter",
                "Query parameter \"" + parameter + "\": " + why);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, "Forbidden", detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, "Conflict", detail);
    }
}
