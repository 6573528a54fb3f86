package org.notesync.web;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.notesync.logging.LoggedErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Turns every error raised while handling a request into a problem document. Messages are written
 * here, never copied from the input, so patient data cannot leak into an error.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    private final String maxFileSize;

    ProblemHandler(@Value("${spring.servlet.multipart.max-file-size:}") String maxFileSize) {
        this.maxFileSize = maxFileSize;
    }

    /**
     * A header value the firewall refuses (a control character), found when something read it after the filters:
     * a 400 saying so, as {@link FirewallRejections} answers the ones found before.
     */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<ProblemDetail> rejected(RequestRejectedException e, HttpServletRequest request) {
        return respond(Problems.of(HttpStatus.BAD_REQUEST, "Bad Request", FirewallRejections.detail(e.getMessage()),
                request.getRequestURI()), null);
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e, HttpServletRequest request) {
        return respond(Problems.of(e.status(), e.title(), e.getMessage(), request.getRequestURI()), null);
    }

    @ExceptionHandler(ValidationException.class)
    ResponseEntity<ProblemDetail> validation(ValidationException e, HttpServletRequest request) {
        return respond(unprocessable(e.violations(), request.getRequestURI()), null);
    }

    static final String UNDECODABLE_PARAMETERS = "The query string could not be decoded: a parameter without a "
            + "name, a %-escape that is not two hex digits of UTF-8, or more than 1,000 parameters.";

    static final String UNREADABLE_MULTIPART = "The multipart body could not be read: its Content-Type needs a "
            + "boundary, and the body each part and the closing boundary.";

    /**
     * What Tomcat could not decode when asked for the parameters: the query string, or with it the form
     * body, or a multipart body, as the request's Content-Type says.
     */
    static String undecodableParameters(HttpServletRequest request) {
        String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/")) {
            return UNREADABLE_MULTIPART;
        }
        if (type.startsWith("application/x-www-form-urlencoded")) {
            return "The query string or the form body could not be decoded: a parameter without a name, a "
                    + "%-escape that is not two hex digits of UTF-8, or more than 1,000 parameters.";
        }
        return UNDECODABLE_PARAMETERS;
    }

    /** Tomcat parses the query string (or a form body) when it is first asked for a parameter. */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> undecodableParameters(InvalidParameterException e, HttpServletRequest request) {
        return respond(Problems.of(HttpStatus.BAD_REQUEST, "Bad Request", undecodableParameters(request),
                request.getRequestURI()), null);
    }

    /**
     * A multipart body that cannot be parsed: no boundary, or a body cut short. One too large is more
     * specific and is answered 413 by {@link #handleMaxUploadSizeExceededException}.
     */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> unreadableMultipart(MultipartException e, HttpServletRequest request) {
        return respond(Problems.of(HttpStatus.BAD_REQUEST, "Bad Request", UNREADABLE_MULTIPART,
                request.getRequestURI()), null);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        String expected = e.getRequiredType() == null ? "value" : e.getRequiredType().getSimpleName();
        String detail = "Parameter \"" + e.getName() + "\" must be a valid " + expected + ".";
        return respond(Problems.of(HttpStatus.BAD_REQUEST, "Bad Request", detail, request.getRequestURI()), null);
    }

    /**
     * The database cannot be reached (restarting, failing over): a temporary condition, answered 503 with
     * {@code Retry-After} so that clients, the SDK among them, retry. Whether a write whose connection broke
     * was committed cannot be known here, so the problem says only what is known.
     */
    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessResourceException.class,
            CannotCreateTransactionException.class})
    ResponseEntity<ProblemDetail> databaseUnavailable(Exception e, HttpServletRequest request) {
        log.warn("Database unavailable on {} {}: {}", request.getMethod(), request.getRequestURI(),
                e.getClass().getSimpleName());
        return retryShortly("The database is unavailable. Retry in a few seconds.", request);
    }

    static final int DATABASE_RETRY_AFTER_SECONDS = 2;

    private ResponseEntity<ProblemDetail> retryShortly(String detail, HttpServletRequest request) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Integer.toString(DATABASE_RETRY_AFTER_SECONDS));
        return respond(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "Service Unavailable", detail,
                request.getRequestURI()), headers);
    }

    /**
     * A lock not granted in time (H2's lock timeout, PostgreSQL's {@code lock_timeout}) or a transaction chosen
     * as a deadlock's victim: nothing was written, and the same request a moment later succeeds; a 503 with
     * {@code Retry-After}, as for a database that cannot be reached, so that clients and the SDK retry.
     */
    @ExceptionHandler({PessimisticLockingFailureException.class, QueryTimeoutException.class})
    ResponseEntity<ProblemDetail> databaseBusy(Exception e, HttpServletRequest request) {
        log.warn("Database lock not granted in time on {} {}: {}", request.getMethod(), request.getRequestURI(),
                e.getClass().getSimpleName());
        return retryShortly("The database was too busy to answer in time. Retry in a few seconds.", request);
    }

    /**
     * A commit or rollback that failed: 503 when it failed because the connection was lost (the rollback
     * after a dropped connection fails too, hiding the first error), otherwise a fault like any other.
     */
    @ExceptionHandler(TransactionSystemException.class)
    ResponseEntity<ProblemDetail> transactionFailed(TransactionSystemException e, HttpServletRequest request) {
        return Databases.connectionLost(e) || Databases.connectionLost(e.getApplicationException())
                ? databaseUnavailable(e, request)
                : unexpected(e, request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        // Logged without any exception's message: only the types and the stacks. Database errors put the
        // values of the failing row in their messages (PostgreSQL's "Key (...)=(...)", H2's VALUES), and a
        // patient's data never goes to a log.
        log.error("Unhandled error on {} {}", request.getMethod(), request.getRequestURI(), LoggedErrors.withoutMessages(e));
        return respond(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "Internal Server Error",
                "An unexpected error occurred.", request.getRequestURI()), null);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String path = path(request);
        if (causedBy(e, PayloadTooLargeException.class)) {
            return cast(respond(Problems.of(HttpStatus.CONTENT_TOO_LARGE, "Content Too Large",
                    "The request body is larger than the server accepts.", path), null));
        }
        if (causedBy(e, StrictBodyEncoding.NotItsCharset.class)) {
            return cast(respond(Problems.of(HttpStatus.BAD_REQUEST, "Bad Request",
                    "The request body is not valid UTF-8 (or text of the charset its Content-Type names): a byte "
                            + "sequence that is no character, or not the shortest one for its character.",
                    path), null));
        }
        MismatchedInputException mismatch = cause(e, MismatchedInputException.class);
        if (mismatch != null && !mismatch.getPath().isEmpty()) {
            String property = mismatch.getPath().stream()
                    .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            String type = mismatch.getTargetType() == null ? "value" : typeName(mismatch.getTargetType());
            Violation violation = new Violation(property, "This value should be of type " + type + ".",
                    Violation.INVALID_TYPE);
            return cast(respond(unprocessable(List.of(violation), path), null));
        }
        JacksonException jackson = cause(e, JacksonException.class);
        String detail = jackson instanceof StreamConstraintsException
                ? "The request body exceeds a limit of the JSON parser (nesting depth, or the length of a value)."
                : jackson != null && String.valueOf(jackson.getOriginalMessage()).startsWith("Duplicate ")
                ? "The request body names a property more than once."
                : jackson != null || e.getCause() == null
                ? "The request body is not valid JSON."
                : "The request body could not be read.";
        return cast(respond(Problems.of(HttpStatus.BAD_REQUEST, "Bad Request", detail, path), null));
    }

    /**
     * Spring lists the methods mapped to the path; it also answers HEAD wherever GET is mapped and OPTIONS
     * everywhere (as an OPTIONS request's Allow shows), so a 405's Allow header names those too.
     */
    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Set<HttpMethod> allowed = new LinkedHashSet<>(headers.getAllow());
        if (allowed.contains(HttpMethod.GET)) {
            allowed.add(HttpMethod.HEAD);
        }
        if (!allowed.isEmpty()) {
            allowed.add(HttpMethod.OPTIONS);
        }
        HttpHeaders out = new HttpHeaders();
        out.putAll(headers);
        out.setAllow(allowed);
        return super.handleHttpRequestMethodNotSupported(e, out, status, request);
    }

    /** Tomcat does not say which limit was hit, nor its size: the problem names the configured file limit. */
    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String limit = maxFileSize == null || maxFileSize.isBlank() ? "" : " (" + maxFileSize + " per file)";
        return cast(respond(Problems.of(HttpStatus.CONTENT_TOO_LARGE, "Content Too Large",
                "The upload is larger than the server accepts" + limit + ".", path(request)), null));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Violation> violations = new ArrayList<>();
        e.getBindingResult().getFieldErrors().forEach(f -> violations.add(
                new Violation(f.getField(), f.getDefaultMessage(), f.getCode())));
        return cast(respond(unprocessable(violations, path(request)), null));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = body instanceof ProblemDetail p ? p
                : e instanceof ErrorResponse er ? er.getBody()
                : ProblemDetail.forStatus(status);
        problem.setType(URI.create("/errors/" + status.value()));
        fixedDetail(e).ifPresent(problem::setDetail);
        if (problem.getInstance() == null) {
            problem.setInstance(URI.create(path(request)));
        }
        if (problem.getTitle() == null) {
            HttpStatus known = HttpStatus.resolve(status.value());
            problem.setTitle(known == null ? "Error" : known.getReasonPhrase());
        }
        return cast(respond(problem, headers));
    }

    /**
     * Spring's details for these repeat what the client sent (a Content-Type, a path, a method name), which
     * could be anything: problem documents are written from fixed texts instead.
     */
    private static Optional<String> fixedDetail(Exception e) {
        if (e instanceof HttpMediaTypeNotSupportedException unsupported) {
            return Optional.of("The body's Content-Type is not one this endpoint reads"
                    + (unsupported.getSupportedMediaTypes().isEmpty() ? "." : "; it reads "
                    + unsupported.getSupportedMediaTypes().stream().map(MediaType::toString)
                            .collect(Collectors.joining(", ")) + "."));
        }
        if (e instanceof NoResourceFoundException) {
            return Optional.of("There is no resource at this path.");
        }
        if (e instanceof HttpRequestMethodNotSupportedException) {
            return Optional.of("This method is not allowed on this resource; the Allow header lists "
                    + "those that are.");
        }
        return Optional.empty();
    }

    /** The most violations a 422 lists: the answer to a small body stays small. */
    static final int MAX_VIOLATIONS = 100;

    static ProblemDetail unprocessable(List<Violation> violations, String path) {
        List<Violation> shown = violations.size() > MAX_VIOLATIONS ? violations.subList(0, MAX_VIOLATIONS) : violations;
        String detail = shown.stream().map(v -> v.propertyPath() + ": " + v.message())
                .collect(Collectors.joining("\n"));
        if (shown.size() < violations.size()) {
            detail += "\n(and " + (violations.size() - shown.size()) + " more violations, not listed)";
        }
        ProblemDetail problem = Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "Validation Failed", detail, path);
        problem.setProperty("violations", shown);
        return problem;
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem, HttpHeaders headers) {
        HttpHeaders out = new HttpHeaders();
        if (headers != null) {
            out.putAll(headers);
        }
        out.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return new ResponseEntity<>(problem, out, problem.getStatus());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ResponseEntity<Object> cast(ResponseEntity<ProblemDetail> response) {
        return (ResponseEntity) response;
    }

    private static String path(WebRequest request) {
        return request instanceof ServletWebRequest s ? s.getRequest().getRequestURI() : "/";
    }

    private static String typeName(Class<?> type) {
        if (type == String.class) {
            return "string";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean";
        }
        if (type.isEnum()) {
            return "one of the allowed values";
        }
        return type.getSimpleName();
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        return cause(e, type) != null;
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
