package org.notesync.web;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * What Tomcat refuses before any servlet runs (a path with an encoded slash or a bare {@code %}, a
 * request line or headers over their limits) is answered with a problem document too, instead of
 * Tomcat's HTML page. Tomcat writes these through the host's error report valve, which Spring Boot
 * adds; this customizer, ordered after Spring Boot's, puts {@link ProblemValve} in its place. Tomcat's
 * own {@code JsonErrorReportValve} writes a different JSON shape, hence a subclass.
 */
final class ContainerErrors implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                Pipeline pipeline = host.getPipeline();
                for (Valve valve : pipeline.getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        pipeline.removeValve(valve);
                    }
                }
                pipeline.addValve(new ProblemValve());
                host.setErrorReportValveClass(ProblemValve.class.getName());
            }
        });
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /**
     * Writes a problem document for an error no servlet answered. It names only the status: what Tomcat
     * could not parse may carry a search for a patient's name, so none of the request is echoed.
     */
    public static final class ProblemValve extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            AtomicBoolean writable = new AtomicBoolean(false);
            response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, writable);
            if (!writable.get()) {
                return;
            }
            HttpStatus known = HttpStatus.resolve(status);
            String title = known == null ? "Error" : known.getReasonPhrase();
            String detail = switch (status) {
                case 400 -> "The request could not be parsed: its path, query string or headers are malformed or too long.";
                case 501 -> "The request's method or transfer coding is not one this server implements.";
                case 505 -> "The request's HTTP version is not one this server speaks (HTTP/1.1 or HTTP/2).";
                default -> status >= 500 ? "An unexpected error occurred." : title + ".";
            };
            String path = request.getRequestURI();
            // The path as sent, when it is plain (a path Tomcat could not parse is not echoed).
            String instance = status != 400 && path != null && path.matches("/[A-Za-z0-9/._~%!$&'()*+,;=:@-]*")
                    ? ",\"instance\":\"" + path + "\"" : "";
            String json = "{\"type\":\"/errors/" + status + "\",\"title\":\"" + title + "\",\"status\":" + status
                    + ",\"detail\":\"" + detail + "\"" + instance + "}";
            try {
                response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
                response.setCharacterEncoding("UTF-8");
                Writer writer = response.getReporter();
                if (writer != null) {
                    writer.write(json);
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // The connection is gone or the response was taken meanwhile: nothing more can be sent.
            }
        }
    }
}
