package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Requests the servlet container or Spring cannot even parse (a query string that does not decode, a
 * multipart type without its boundary, a wildcard Content-Type, a path Tomcat refuses) are the client's
 * fault: a 4xx problem document that says so, never a 500 or Tomcat's HTML page. Sent over a raw socket,
 * since java.net.http refuses to send most of them. The guide writes filters with bare brackets
 * ({@code order[createdAt]=desc}); clients that send them so are answered as if they had encoded them.
 */
@ServerTest
@ExtendWith(OutputCaptureExtension.class)
class MalformedRequestsIT {

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    private String token;
    private String adminToken;

    @BeforeEach
    void setUp() {
        token = tenants.create().token(port);
        adminToken = tenants.createWithAdminScope().token(port, "admin");
    }

    static Stream<Arguments> requests() {
        String multipart = "--XX\r\nContent-Disposition: form-data; name=\"patient\"\r\n\r\nabc\r\n--XX\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF";
        return Stream.of(
                Arguments.of("an empty parameter name", "GET /notes?=1", null, null, 400, "query string"),
                Arguments.of("a %-escape that is not UTF-8", "GET /patients?search=%ff", null, null, 400, "query string"),
                Arguments.of("a truncated %-escape", "GET /notes?x=%", null, null, 400, "query string"),
                Arguments.of("a %-escape of no hex", "GET /webhooks?x=%zz", null, null, 400, "query string"),
                Arguments.of("a multipart type without a boundary on a GET", "GET /notes", "multipart/form-data", null,
                        400, "multipart"),
                Arguments.of("a multipart type without a boundary", "POST /patients", "multipart/form-data", "{}", 400,
                        "multipart"),
                Arguments.of("an empty boundary: no valid media type", "POST /audios", "multipart/form-data; boundary=",
                        "x", 415, "not a valid media type"),
                Arguments.of("a multipart body without its end", "POST /audios", "multipart/form-data; boundary=XX",
                        multipart, 400, "multipart"),
                Arguments.of("a wildcard Content-Type", "POST /webhooks", "*/*", "{}", 415, "Content-Type"),
                Arguments.of("a wildcard subtype", "POST /webhooks/00000000-0000-0000-0000-000000000000/recover",
                        "application/*", "{}", 415, "Content-Type"),
                Arguments.of("a wildcard structured subtype", "POST /admin/organizations", "application/*+json", "{}",
                        415, "Content-Type"),
                Arguments.of("no valid media type on the token endpoint", "POST /oauth2/token", "foo", "x", 415,
                        "not a valid media type"),
                Arguments.of("an empty charset on the token endpoint", "POST /oauth2/token",
                        "application/json; charset=", "{}", 415, "charset is not one this server knows"),
                Arguments.of("an unknown charset", "POST /patients", "application/json; charset=foo", "{}", 415,
                        "charset is not one this server knows"),
                Arguments.of("a property named twice", "POST /patients", "application/json",
                        "{\"firstName\": \"A\", \"firstName\": \"B\", \"lastName\": null}", 400,
                        "names a property more than once"),
                Arguments.of("JSON nested 2,000 deep", "POST /notes", "application/json",
                        "{\"content\": " + "[".repeat(2000) + "]".repeat(2000) + "}", 400, "nesting depth"),
                Arguments.of("the error page asked for itself", "GET /error", null, null, 404, "Not Found"),
                Arguments.of("an encoded slash in a path", "GET /notes/%2F", null, null, 400, "Bad Request"),
                Arguments.of("a bare % in a path", "GET /notes/%", null, null, 400, "Bad Request"),
                Arguments.of("a %-escape that is not UTF-8 in a form body", "POST /oauth2/token",
                        "application/x-www-form-urlencoded", "grant_type=client_credentials&scope=%ff", 400,
                        "the form body could not be decoded"),
                Arguments.of("CONNECT, which Tomcat does not implement", "CONNECT /notes", null, null, 501,
                        "\"detail\":\"The request's method or transfer coding is not one this server implements.\","
                                + "\"instance\":\"/notes\""),
                Arguments.of("a multipart token request without a boundary", "POST /oauth2/token",
                        "multipart/form-data", "grant_type=client_credentials", 400, "multipart body"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void isAClientErrorProblem(String name, String requestLine, String contentType, String body, int status,
            String detail) throws IOException {
        String bearer = requestLine.contains("/admin/") ? adminToken : token;
        Raw answer = send(requestLine, contentType, body, bearer);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.header("content-type")).as(answer.toString()).startsWith("application/problem+json");
        assertThat(answer.body()).as(answer.toString()).contains("\"status\":" + status).contains(detail);
    }

    /** Bytes that are no UTF-8, or UTF-8 no encoder writes (an overlong "/", a lone surrogate): a 400. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("notUtf8")
    void aBodyThatIsNotItsCharsetIsAClientError(String name, String bytesInLatin1) throws IOException {
        byte[] body = ("{\"firstName\":\"" + bytesInLatin1 + "\",\"lastName\":\"x\"}")
                .getBytes(StandardCharsets.ISO_8859_1);
        Raw answer = sendBytes("POST /patients", "application/json", body, token);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.header("content-type")).startsWith("application/problem+json");
        assertThat(answer.body()).contains("not valid UTF-8");
        Http api = new Http(port, token);
        Http.Response latin1 = api.send(api.builder("/patients").header("Content-Type",
                "application/json; charset=ISO-8859-1").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"firstName\":\"Ren\u00e9e\",\"lastName\":\"x\"}", StandardCharsets.ISO_8859_1)));
        assertThat(latin1.status()).as("a body of the charset it names: " + latin1).isEqualTo(201);
        assertThat(latin1.json().get("firstName").asString()).isEqualTo("Ren\u00e9e");
        Raw disguised = sendBytes("POST /patients", "application/json; charset=UTF-16BE", body.length % 2 == 0 ? body
                : java.util.Arrays.copyOf(body, body.length + 1), token);
        assertThat(disguised.status()).as("read as the UTF-16 it claims, not as the UTF-8 it is: " + disguised)
                .isEqualTo(400);
        Http.Response utf16 = api.send(api.builder("/patients").header("Content-Type",
                "application/json; charset=UTF-16").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"firstName\":\"Zo\u00eb\",\"lastName\":\"x\"}", StandardCharsets.UTF_16)));
        assertThat(utf16.status()).as("UTF-16 that is UTF-16: " + utf16).isEqualTo(201);
        assertThat(utf16.json().get("firstName").asString()).isEqualTo("Zo\u00eb");
    }

    static Stream<Arguments> notUtf8() {
        return Stream.of(Arguments.of("an overlong sequence for /", "\u00c0\u00af"),
                Arguments.of("a surrogate written as UTF-8", "\u00ed\u00a0\u0080"),
                Arguments.of("a lone continuation byte", "\u0080"),
                Arguments.of("a sequence cut short", "\u00e2\u0082"));
    }

    /**
     * Bodies are JSON: a YAML body (Spring reads YAML when Jackson's YAML module is on the class path, as
     * springdoc puts it there) made a 500 on the endpoints that read a body as an object, and 415s listed YAML as
     * readable.
     */
    @ParameterizedTest
    @ValueSource(strings = {"POST /webhooks", "POST /patients", "POST /notes"})
    void aYamlBodyIsAnUnsupportedMediaType(String requestLine) throws IOException {
        Raw answer = send(requestLine, "application/yaml", "url: http://127.0.0.1:9/y\nevents: [new_note]\n", token);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(415);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        assertThat(answer.body()).doesNotContain("yaml");
    }

    /**
     * A Content-Type that names no media type, on a request without a body, describes nothing: the OAuth
     * endpoints that read JSON bodies answered it with a 500 (the type parsed there without a check).
     */
    @ParameterizedTest
    @ValueSource(strings = {"/oauth2/token", "/oauth2/revoke", "/oauth2/introspect", "/oauth2/device_authorization"})
    void aMalformedTypeWithoutABodyOnAnOAuthEndpointIsAnsweredAsNoBody(String path) throws IOException {
        for (String body : new String[] {null, ""}) {
            Raw answer = send("POST " + path, "foo", body, "none");
            assertThat(answer.status()).as(path + " " + answer).isEqualTo(401);
            assertThat(answer.body()).as(path).contains("\"error\":\"invalid_client\"");
        }
    }

    @Test
    void aWildcardTypeOnARequestWithoutABodyIsLeftAlone() throws IOException {
        assertThat(send("GET /patients", "*/*", null, token).status()).isEqualTo(200);
        assertThat(send("GET /me", "application/*", null, token).status()).isEqualTo(200);
        assertThat(send("GET /me", "*/*", null, "not-a-token").status()).as("authentication first").isEqualTo(401);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codings")
    void aCompressedBodyIsAnUnsupportedMediaTypeThatSaysWhichCodingIsTaken(String coding) throws IOException {
        Raw answer = send("POST /patients", "application/json", "\u001f\u008b compressed bytes", token,
                "Content-Encoding: " + coding);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(415);
        assertThat(answer.header("content-type")).startsWith("application/problem+json");
        assertThat(answer.header("accept-encoding")).isEqualTo("identity");
        assertThat(answer.body()).contains("without a Content-Encoding");
        Raw token = send("POST /oauth2/token", "application/x-www-form-urlencoded", "grant_type=client_credentials",
                "none", "Content-Encoding: " + coding);
        assertThat(token.status()).as("the token endpoint reads bodies alike: " + token).isEqualTo(415);
    }

    static Stream<String> codings() {
        return Stream.of("gzip", "deflate", "br", "identity, gzip");
    }

    /**
     * A tab in a header's value passes Tomcat and the filters (the firewall checks a header when it is read) and
     * was found when the body's reader copied the headers: a 500. Now the firewall's 400, whichever header.
     */
    @Test
    void aControlCharacterInAHeaderReadAfterTheFiltersIsTheFirewalls400() throws IOException {
        for (String header : new String[] {"User-Agent: my\tclient", "Idempotency-Key: a\tb"}) {
            Raw answer = send("POST /patients", "application/json", "{\"firstName\":\"A\",\"lastName\":\"B\"}",
                    token, header);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
            assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
            assertThat(answer.body()).contains("A request header's value contains a control character")
                    .doesNotContain("my\tclient");
        }
        assertThat(send("GET /me", null, null, token, "User-Agent: my\tclient").status()).isEqualTo(200);
    }

    @Test
    void anIdentityCodingOrAnEncodingHeaderWithoutABodyIsLeftAlone() throws IOException {
        Raw identity = send("POST /patients", "application/json", "{\"firstName\":\"A\",\"lastName\":\"B\"}", token,
                "Content-Encoding: identity");
        assertThat(identity.status()).as(identity.toString()).isEqualTo(201);
        assertThat(send("GET /me", null, null, token, "Content-Encoding: gzip").status()).isEqualTo(200);
    }

    @Test
    void headersOverTheLimitAreAProblemThatEchoesNothing() throws IOException {
        String secret = "Jane-Doe-" + "x".repeat(10_000);
        Raw answer = send("GET /notes?search=" + secret, null, null, token);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.header("content-type")).startsWith("application/problem+json");
        assertThat(answer.body()).contains("too long").doesNotContain("Jane-Doe");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bareBrackets")
    void aFilterWithBareBracketsIsReadAsTheGuideWritesIt(String query) throws IOException {
        Raw answer = send("GET /notes?" + query, null, null, token);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        Raw refused = send("GET /notes?" + query.replace("desc", "sideways").replace("2026-02-17", "someday"), null,
                null, token);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.header("content-type")).startsWith("application/problem+json");
    }

    static Stream<String> bareBrackets() {
        return Stream.of("order[createdAt]=desc", "createdAt[after]=2026-02-17");
    }

    @Test
    void theOtherCharactersSloppyClientsLeaveUnencodedAreReadToo() throws IOException {
        for (String search : new String[] {"Doe|Jane", "{Doe}", "\"Doe\"", "Doe^", "<Doe>", "Doe`", "Doe\\"}) {
            Raw answer = send("GET /patients?search=" + search, null, null, token);
            assertThat(answer.status()).as(search + ": " + answer).isEqualTo(200);
        }
    }

    @Test
    void aProblemsDetailRepeatsNoContentTypeNoPathAndNoMethodItWasSent() throws IOException {
        Raw type = send("POST /patients", "text/Zyxwvut-Qqqpatient", "{}", token);
        assertThat(type.status()).as(type.toString()).isEqualTo(415);
        assertThat(type.body()).contains("it reads application/json").doesNotContainIgnoringCase("zyxwvut");
        Raw path = send("GET /Zyxwvut-Qqqpatient/x", null, null, token);
        assertThat(path.status()).as(path.toString()).isEqualTo(404);
        assertThat(path.body()).contains("There is no resource at this path.");
        assertThat(path.body().replace("\"instance\":\"/Zyxwvut-Qqqpatient/x\"", "")).doesNotContain("Zyxwvut");
        Raw method = send("PUT /me", null, null, token);
        assertThat(method.status()).as(method.toString()).isEqualTo(405);
        assertThat(method.body()).contains("the Allow header lists").doesNotContain("PUT");
    }

    static Stream<Arguments> firewallRefusals() {
        return Stream.of(
                Arguments.of("GET /notes;Zyxwvut=1", "contains a semicolon (path parameters)"),
                Arguments.of("GET /notes/%2e%2e/Zyxwvut", "contains an encoded period (%2E)"),
                Arguments.of("GET /notes/%25Zyxwvut", "contains an encoded percent sign (%25)"),
                Arguments.of("GET /notes/./Zyxwvut", "is not normalized"),
                Arguments.of("GET /notes//Zyxwvut", "contains a double slash"),
                Arguments.of("ZYXWVUT /patients", "method is not one this server takes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firewallRefusals")
    void theFirewallsRefusalNamesTheRuleAndEchoesNothing(String requestLine, String detail) throws IOException {
        Raw answer = send(requestLine, null, null, token);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.header("content-type")).as(answer.toString()).startsWith("application/problem+json");
        assertThat(answer.body()).as(answer.toString()).contains(detail).doesNotContainIgnoringCase("zyxwvut");
    }

    @Test
    void aHeaderValueTheFirewallRefusesIsNamedAsSuchWithoutItsValue() throws IOException {
        // U+0085 is a C1 control: Tomcat reads the byte (ISO-8859-1), the firewall refuses it when read.
        Raw answer = send("GET /patients", null, null, token, "Accept: application/json, text/zyxwvut\u0085");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.body()).as(answer.toString()).contains("A request header's value contains a control")
                .doesNotContainIgnoringCase("zyxwvut");
    }

    @Test
    void aMethodNotAllowedListsHeadAndOptionsWhereSpringAnswersThem(CapturedOutput output) throws IOException {
        Raw me = send("PUT /me", null, null, token);
        assertThat(output.getOut()).as("a client's mistake, answered; not a warning in the server's log")
                .doesNotContain("Request method 'PUT' is not supported");
        assertThat(me.status()).as(me.toString()).isEqualTo(405);
        assertThat(me.header("allow").split(",\\s*")).as(me.toString())
                .containsExactlyInAnyOrder("GET", "HEAD", "OPTIONS");
        Raw options = send("OPTIONS /me", null, null, token);
        assertThat(options.header("allow").split(",\\s*")).as("what OPTIONS says: " + options)
                .containsExactlyInAnyOrder("GET", "HEAD", "OPTIONS");
    }

    /** RFC 5789: Accept-Patch lists media types; a path without PATCH sends none rather than an empty one. */
    @Test
    void optionsSendsAcceptPatchOnlyWherePatchIsTaken() throws IOException {
        Raw collection = send("OPTIONS /notes", null, null, token);
        assertThat(collection.status()).isEqualTo(200);
        assertThat(collection.head().toLowerCase()).as(collection.toString()).doesNotContain("accept-patch");
        Raw note = send("OPTIONS /notes/00000000-0000-0000-0000-000000000000", null, null, token);
        assertThat(note.header("accept-patch")).as(note.toString()).contains("application/merge-patch+json");
    }

    @Test
    void theFeedIsNotTakenForANoteByMethodsOnlyANoteHas() throws IOException {
        Raw patch = send("PATCH /notes/feed", "application/merge-patch+json", "{}", token);
        assertThat(patch.status()).as(patch.toString()).isEqualTo(405);
        assertThat(patch.header("allow").split(",\\s*")).as(patch.toString())
                .containsExactlyInAnyOrder("GET", "HEAD", "OPTIONS");
        Raw note = send("PATCH /notes/00000000-0000-0000-0000-000000000000", "application/merge-patch+json", "{}",
                token);
        assertThat(note.status()).as("a note's PATCH still reaches notes: " + note).isEqualTo(404);
        Raw notUuid = send("GET /notes/feeds", null, null, token);
        assertThat(notUuid.status()).as(notUuid.toString()).isEqualTo(400);
        assertThat(notUuid.body()).contains("must be a valid UUID");
        // Shortened groups: java.util.UUID reads 1-1-1-1-1 as 00000001-0001-0001-0001-000000000001 (it was a 404,
        // and a note with that uuid would have answered to it).
        for (String path : List.of("/notes/1-1-1-1-1", "/webhooks/1-1-1-1-1", "/notes?patient=1-1-1-1-1",
                "/notes?patient=/patients/1-1-1-1-1")) {
            Raw shortened = send("GET " + path, null, null, token);
            assertThat(shortened.status()).as(path + ": " + shortened).isEqualTo(400);
        }
    }

    @Test
    void aQueryCannotAddALinkToAPlainCollectionsLinkHeader() throws IOException {
        Raw answer = send("GET /notes?itemsPerPage=1&x=a>;rel=\"next\",<https://evil.example/steal>&order[createdAt]=desc",
                null, null, token, "Accept: application/json");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        String link = answer.header("link");
        assertThat(link.chars().filter(c -> c == '<').count()).as(link).isEqualTo(2); // first and last
        assertThat(link).doesNotContain("<https").contains("x=a%3E%3Brel=%22next%22%2C%3Chttps")
                .contains("order%5BcreatedAt%5D=desc");
    }

    /**
     * Raw quotes (let through by Tomcat, %-encoded in the links) in a long query made a Link header over the
     * response headers' 48 KB: a 500 with nothing sent and hundreds of log lines. It is a 414 saying why.
     */
    @Test
    void aQueryTooLongToRepeatInTheLinkHeaderIsA414() throws IOException {
        Raw answer = send("GET /notes?page=2&itemsPerPage=1&x=" + "\"".repeat(5000), null, null, token,
                "Accept: application/json");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(414);
        assertThat(answer.body()).contains("too long to repeat in this page's Link header", "application/ld+json");
        Raw linked = send("GET /notes?page=2&itemsPerPage=1&x=" + "\"".repeat(5000), null, null, token,
                "Accept: application/ld+json");
        assertThat(linked.status()).as("its view has the links").isEqualTo(200);
    }

    @Test
    void tomcatLogsNoRequestTargetItCannotParseSinceQueryStringsCarryNames() {
        // Tomcat writes these at INFO (then DEBUG for 24 hours), with the request target or parameter value.
        for (String logger : new String[] {"org.apache.coyote.http11.Http11Processor",
                "org.apache.tomcat.util.http.Parameters"}) {
            assertThat(org.slf4j.LoggerFactory.getLogger(logger).isInfoEnabled()).as(logger).isFalse();
        }
    }

    record Raw(int status, String head, String body) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return "";
        }

        @Override
        public String toString() {
            return head + "\n\n" + body;
        }
    }

    private Raw send(String requestLine, String contentType, String body, String bearer, String... headers)
            throws IOException {
        return sendBytes(requestLine, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8), bearer,
                headers);
    }

    private Raw sendBytes(String requestLine, String contentType, byte[] body, String bearer, String... headers)
            throws IOException {
        byte[] content = body == null ? new byte[0] : body;
        StringBuilder request = new StringBuilder(requestLine).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Authorization: Bearer ").append(bearer).append("\r\n")
                .append("Connection: close\r\n");
        if (contentType != null) {
            request.append("Content-Type: ").append(contentType).append("\r\n");
        }
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        if (body != null) {
            request.append("Content-Length: ").append(content.length).append("\r\n");
        }
        request.append("\r\n");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            String rest = end < 0 ? "" : text.substring(end + 4);
            int status = Integer.parseInt(head.substring(9, 12));
            return new Raw(status, head, head.toLowerCase().contains("transfer-encoding: chunked") ? unchunk(rest) : rest);
        }
    }

    private static String unchunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }
}
