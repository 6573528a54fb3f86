package org.notesync.client;

import java.util.Optional;

/**
 * The API answered with a 4xx or 5xx. {@link #problem()} is the parsed problem document; subclasses
 * name the statuses an integration handles differently (400, 401, 403, 404, 409, 422, 429, 5xx).
 * The message holds the status, title and detail, which the server writes without patient data.
 */
public class ApiException extends NotesyncException {

    private final int status;
    private final Problem problem;

    public ApiException(int status, Problem problem) {
        super(message(status, problem), null);
        this.status = status;
        this.problem = problem;
    }

    public int status() {
        return status;
    }

    public Problem problem() {
        return problem;
    }

    public Optional<String> detail() {
        return Optional.ofNullable(problem.detail());
    }

    private static String message(int status, Problem problem) {
        StringBuilder text = new StringBuilder("HTTP ").append(status);
        if (problem.title() != null) {
            text.append(' ').append(problem.title());
        }
        if (problem.detail() != null) {
            text.append(": ").append(problem.detail());
        }
        if (problem.instance() != null) {
            text.append(" (").append(problem.instance()).append(')');
        }
        return text.toString();
    }

    /** The subclass for a status, so callers can catch {@code NotFoundException} rather than test numbers. */
    static ApiException of(int status, Problem problem, java.time.Duration retryAfter) {
        return switch (status) {
            case 400 -> new BadRequestException(problem);
            case 401 -> new UnauthorizedException(problem);
            case 403 -> new ForbiddenException(problem);
            case 404 -> new NotFoundException(problem);
            case 409 -> new ConflictException(problem);
            case 422 -> new ValidationException(problem);
            case 429 -> new RateLimitedException(problem, retryAfter);
            default -> status >= 500 ? new ServerErrorException(status, problem) : new ApiException(status, problem);
        };
    }
}
