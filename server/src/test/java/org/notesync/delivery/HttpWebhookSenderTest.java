package org.notesync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import org.apache.hc.core5.http.message.BasicHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.notesync.webhook.Receiver;

/** The HTTP sender against a real receiver on loopback. */
class HttpWebhookSenderTest {

    private static final AddressPolicy LOOPBACK_ALLOWED = new AddressPolicy(false, List.of("127.0.0.0/8"));
    private static final Map<String, String> HEADERS = Map.of("webhook-id", "msg_1");
    private static final byte[] BODY = "{\"events\":[]}".getBytes();

    private final Receiver receiver = new Receiver();
    private final HttpWebhookSender sender = new HttpWebhookSender(LOOPBACK_ALLOWED, Duration.ofSeconds(1),
            "notesync-webhooks/0.1.0", 8, Clock.systemUTC());

    @AfterEach
    void close() {
        sender.close();
        receiver.close();
    }

    @Test
    void anAnswerIsReadInItsCharsetOrAsLatin1WhereItIsNoUtf8() {
        byte[] latin1 = "no chart for Ren\u00e9e".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(HttpWebhookSender.text(latin1, null)).isEqualTo("no chart for Ren\u00e9e");
        assertThat(HttpWebhookSender.text(latin1, "text/plain; charset=ISO-8859-1")).isEqualTo("no chart for Ren\u00e9e");
        assertThat(HttpWebhookSender.text(latin1, "text/plain; charset=no-such")).isEqualTo("no chart for Ren\u00e9e");
        assertThat(HttpWebhookSender.text(latin1, "text/plain; charset=UTF-8")).as("UTF-8 named, Latin-1 sent")
                .isEqualTo("no chart for Ren\u00e9e");
        assertThat(HttpWebhookSender.text("no chart for Jane".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                "text/plain; charset=UTF-16")).as("UTF-16 named, ASCII sent").isEqualTo("no chart for Jane");
        byte[] utf16 = "Ren\u00e9e".getBytes(java.nio.charset.StandardCharsets.UTF_16BE);
        assertThat(HttpWebhookSender.text(utf16, "text/plain; charset=UTF-16BE")).isEqualTo("Ren\u00e9e");
        byte[] cut = java.util.Arrays.copyOf("Ren\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8), 4);
        assertThat(HttpWebhookSender.text(cut, "application/json")).as("a character cut in half is dropped")
                .isEqualTo("Ren");
    }

    @Test
    void sendsThePostWithItsHeadersAndReadsTheAnswer() {
        receiver.answer(r -> new Receiver.Answer(201, Map.of(), "accepted", 0));
        SendResult result = sender.send(receiver.url(), HEADERS, BODY);
        assertThat(result).isEqualTo(new SendResult.Answered(201, "accepted", null));
        Receiver.Request request = receiver.requests().get(0);
        assertThat(request.header("webhook-id")).isEqualTo("msg_1");
        assertThat(request.header("user-agent")).isEqualTo("notesync-webhooks/0.1.0");
        assertThat(request.header("content-type")).startsWith("application/json");
        assertThat(request.body()).isEqualTo("{\"events\":[]}");
    }

    @Test
    void reusesConnections() {
        for (int i = 0; i < 3; i++) {
            assertThat(sender.send(receiver.url(), HEADERS, BODY)).isInstanceOf(SendResult.Answered.class);
        }
        assertThat(receiver.requests()).hasSize(3);
    }

    @Test
    void anAnswerAfterTheTimeoutIsATimeout() {
        receiver.answer(r -> new Receiver.Answer(200, Map.of(), "", 2_000));
        assertThat(sender.send(receiver.url(), HEADERS, BODY)).isEqualTo(new SendResult.NotAnswered(ErrorKind.TIMEOUT));
    }

    @Test
    void redirectsAreNotFollowed() {
        receiver.answer(r -> new Receiver.Answer(302, Map.of("Location", receiver.url() + "/next"), "", 0));
        SendResult result = sender.send(receiver.url(), HEADERS, BODY);
        assertThat(result).isInstanceOf(SendResult.Answered.class);
        assertThat(((SendResult.Answered) result).status()).isEqualTo(302);
        assertThat(DeliveryEngine.errorKind(result)).isEqualTo(ErrorKind.REDIRECT);
        assertThat(receiver.requests()).hasSize(1);
    }

    @Test
    void anAnswerWithAHugeHeaderLineOrTooManyHeadersIsAnIoErrorNotAHeapFilled() throws Exception {
        // An endless header line filled the server's heap before the timeout: a bounded one shows the limit.
        String longLine = "HTTP/1.1 200 OK\r\nX-Long: " + "a".repeat(2 * 1024 * 1024)
                + "\r\nContent-Length: 2\r\n\r\nok";
        String manyHeaders = "HTTP/1.1 200 OK\r\n" + "X-A: b\r\n".repeat(10_000) + "Content-Length: 2\r\n\r\nok";
        String fine = "HTTP/1.1 200 OK\r\nX-Csp: " + "c".repeat(8 * 1024) + "\r\n" + "X-A: b\r\n".repeat(50)
                + "Content-Length: 2\r\n\r\nok";
        for (String answer : List.of(longLine, manyHeaders, fine)) {
            try (java.net.ServerSocket raw = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                Thread server = new Thread(() -> {
                    try (java.net.Socket s = raw.accept()) {
                        s.getOutputStream().write(answer.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                        s.getInputStream().read(); // until the client drops the connection
                    } catch (java.io.IOException e) {
                        // the client stopped reading
                    }
                });
                server.start();
                SendResult result = sender.send("http://127.0.0.1:" + raw.getLocalPort() + "/hook", HEADERS, BODY);
                if (answer == fine) {
                    assertThat(result).as("8 KiB and 50 headers pass").isEqualTo(new SendResult.Answered(200, "ok", null));
                } else {
                    assertThat(result).as(answer.substring(0, 30)).isEqualTo(new SendResult.NotAnswered(ErrorKind.IO));
                }
                server.join(5_000);
            }
        }
    }

    @Test
    void aClosedPortIsAConnectionError() {
        assertThat(sender.send("http://127.0.0.1:9/hook", HEADERS, BODY))
                .isEqualTo(new SendResult.NotAnswered(ErrorKind.CONNECTION));
    }

    @Test
    void theExcerptIsCappedAt1KiB() {
        receiver.answer(r -> new Receiver.Answer(500, Map.of(), "e".repeat(100_000), 0));
        SendResult.Answered result = (SendResult.Answered) sender.send(receiver.url(), HEADERS, BODY);
        assertThat(result.status()).isEqualTo(500);
        assertThat(result.excerpt()).hasSize(1024);
        assertThat(result.cut()).as("the body went on").isTrue();
        assertThat(sender.send(receiver.url(), HEADERS, BODY)).as("the sender still works")
                .isInstanceOf(SendResult.Answered.class);
    }

    @Test
    void anExcerptIsCutByTheBytesReadNotByWhatIsKept() {
        receiver.answer(r -> new Receiver.Answer(400, Map.of(), "line\r\n".repeat(200), 0));
        SendResult.Answered crlf = (SendResult.Answered) sender.send(receiver.url(), HEADERS, BODY);
        assertThat(crlf.excerpt()).as("carriage returns are not kept").doesNotContain("\r").hasSizeLessThan(1024);
        assertThat(crlf.cut()).as("yet 1 KiB was read and the body went on").isTrue();

        receiver.answer(r -> new Receiver.Answer(400, Map.of(), "x".repeat(1024), 0));
        SendResult.Answered whole = (SendResult.Answered) sender.send(receiver.url(), HEADERS, BODY);
        assertThat(whole.excerpt()).hasSize(1024);
        assertThat(whole.cut()).as("exactly 1 KiB is whole").isFalse();
    }

    @Test
    void destinationsThePolicyRefusesAreRefusedBeforeConnecting() {
        try (HttpWebhookSender strict = new HttpWebhookSender(new AddressPolicy(false, List.of()),
                Duration.ofSeconds(1), "ua", 2, Clock.systemUTC())) {
            String port = ":" + receiver.port() + "/hook";
            for (String url : List.of("http://127.0.0.1" + port, "http://localhost" + port, "http://[::1]" + port,
                    "http://2130706433" + port, "http://[::ffff:127.0.0.1]" + port)) {
                assertThat(strict.send(url, HEADERS, BODY)).as(url)
                        .isEqualTo(new SendResult.NotAnswered(ErrorKind.REFUSED_ADDRESS));
            }
        }
        assertThat(receiver.requests()).isEmpty();
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        Clock fixed = Clock.fixed(Instant.parse("2026-02-24T10:30:00Z"), ZoneOffset.UTC);
        try (HttpWebhookSender s = new HttpWebhookSender(LOOPBACK_ALLOWED, Duration.ofSeconds(1), "ua", 2, fixed)) {
            assertThat(s.retryAfter(new BasicHeader("Retry-After", "120"))).isEqualTo(Duration.ofMinutes(2));
            String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    Instant.parse("2026-02-24T10:31:00Z").atOffset(ZoneOffset.UTC));
            assertThat(s.retryAfter(new BasicHeader("Retry-After", date))).isEqualTo(Duration.ofMinutes(1));
            assertThat(s.retryAfter(new BasicHeader("Retry-After", "soon"))).isNull();
            assertThat(s.retryAfter(null)).isNull();
            assertThat(s.retryAfter(new BasicHeader("Retry-After", "-5"))).isNull();
            assertThat(s.retryAfter(new BasicHeader("Retry-After", "999999999999999999999999")))
                    .as("more seconds than a long holds: as long as can be, bounded later, not absent")
                    .isEqualTo(Duration.ofSeconds(Long.MAX_VALUE));
            assertThat(RetryPolicy.GUIDE.waitAfter(1, s.retryAfter(new BasicHeader("Retry-After",
                    "999999999999999999999999")))).contains(Duration.ofMinutes(10));
            assertThat(s.retryAfter(new BasicHeader("Retry-After", "Tuesday, 24-Feb-26 10:31:00 GMT")))
                    .as("RFC 850").isEqualTo(Duration.ofMinutes(1));
            assertThat(s.retryAfter(new BasicHeader("Retry-After", "Tue Feb 24 10:31:00 2026")))
                    .as("asctime").isEqualTo(Duration.ofMinutes(1));
            assertThat(s.retryAfter(new BasicHeader("Retry-After", "Sun Mar  1 10:30:00 2026")))
                    .as("asctime, one digit's day").isEqualTo(Duration.ofDays(5));
        }
    }
}
