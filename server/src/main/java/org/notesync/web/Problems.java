package org.notesync.web;

import java.net.URI;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds RFC 9457 problem documents the same way everywhere, HTTP layer and security layer alike. */
public final class Problems {

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, String title, String detail, String path) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create("/errors/" + status.value()));
        if (path != null) {
            problem.setInstance(URI.create(path));
        }
        return problem;
    }
}
