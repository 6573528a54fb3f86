package org.notesync.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.utils.DateUtils;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends webhook requests with Apache HttpClient 5: pooled keep-alive connections, redirects never
 * followed, no cookies, no automatic retries, no proxy from system properties, and a hard deadline per
 * request. Names are resolved by the {@link AddressPolicy}, which checks every address and hands the
 * checked ones to the connection, so a DNS answer that changes between check and connect cannot reach
 * a forbidden address.
 */
public final class HttpWebhookSender implements WebhookSender, AutoCloseable {

    static final int EXCERPT_BYTES = 1024;
    /**
     * An answer's header line (status, header, chunk size) and header count at most: HttpClient's are unbounded,
     * so a receiver that sent one endless header line filled the heap within the timeout (OutOfMemoryError).
     */
    static final int MAX_LINE_LENGTH = 16 * 1024;
    static final int MAX_HEADER_COUNT = 100;

    private final AddressPolicy policy;
    private final Duration timeout;
    private final Clock clock;
    private final CloseableHttpClient client;
    private final ScheduledExecutorService deadlines;

    public HttpWebhookSender(AddressPolicy policy, Duration timeout, String userAgent, int maxConnections,
            Clock clock) {
        this.policy = policy;
        this.timeout = timeout;
        this.clock = clock;
        Timeout t = Timeout.of(timeout);
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new CheckingResolver(policy))
                .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                        .http1Config(Http1Config.custom().setMaxLineLength(MAX_LINE_LENGTH)
                                .setMaxHeaderCount(MAX_HEADER_COUNT).build())
                        .build())
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t)
                        .build())
                .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(t).build())
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnections)
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(t)
                        .setConnectionRequestTimeout(t).setRedirectsEnabled(false).build())
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAutomaticRetries()
                .disableAuthCaching()
                .setUserAgent(userAgent)
                .build();
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "webhook-deadlines");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public SendResult send(String url, Map<String, String> headers, byte[] body) {
        if (policy.checkForm(url).isPresent()) {
            return new SendResult.NotAnswered(ErrorKind.REFUSED_ADDRESS);
        }
        HttpPost post;
        try {
            post = new HttpPost(url);
        } catch (IllegalArgumentException e) {
            return new SendResult.NotAnswered(ErrorKind.REFUSED_ADDRESS);
        }
        headers.forEach(post::setHeader);
        post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        AtomicBoolean expired = new AtomicBoolean();
        // The guide's "within 5 seconds" is for the whole exchange, not per socket read.
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            expired.set(true);
            post.cancel();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        CloseableHttpResponse response;
        try {
            response = client.execute(post);
        } catch (AddressPolicy.RefusedAddressException e) {
            deadline.cancel(false);
            return new SendResult.NotAnswered(ErrorKind.REFUSED_ADDRESS);
        } catch (IOException | IllegalStateException e) {
            deadline.cancel(false);
            return new SendResult.NotAnswered(expired.get() ? ErrorKind.TIMEOUT : classify(e));
        }
        try {
            int status = response.getCode();
            Duration retryAfter = retryAfter(response.getFirstHeader("Retry-After"));
            Excerpt excerpt = new Excerpt(null, false);
            try {
                excerpt = readExcerpt(response.getEntity(), post);
            } catch (IOException e) {
                // The status arrived in time: the outcome stands even if the body is cut short.
            }
            return new SendResult.Answered(status, excerpt.text(), retryAfter, excerpt.cut());
        } finally {
            deadline.cancel(false);
            try {
                response.close();
            } catch (IOException e) {
                // the connection is dropped instead of reused
            }
        }
    }

    static ErrorKind classify(Exception e) {
        if (e instanceof SocketTimeoutException || e instanceof ConnectTimeoutException) {
            return ErrorKind.TIMEOUT;
        }
        if (e instanceof SSLException) {
            return ErrorKind.TLS;
        }
        if (e instanceof ConnectException || e instanceof HttpHostConnectException
                || e instanceof NoRouteToHostException || e instanceof UnknownHostException) {
            return ErrorKind.CONNECTION;
        }
        if (e instanceof InterruptedIOException) {
            return ErrorKind.TIMEOUT;
        }
        return ErrorKind.IO;
    }

    /**
     * Reads at most 1 KiB. A longer body is not drained: the request is aborted, and its connection
     * dropped instead of returned to the pool.
     */
    private static Excerpt readExcerpt(HttpEntity entity, HttpPost post) throws IOException {
        if (entity == null) {
            return new Excerpt(null, false);
        }
        InputStream in = entity.getContent();
        byte[] buffer = in.readNBytes(EXCERPT_BYTES);
        boolean cut = buffer.length == EXCERPT_BYTES && in.read() >= 0;
        if (cut) {
            post.cancel();
        } else {
            in.close();
        }
        String text = text(buffer, entity.getContentType());
        return new Excerpt(text.replaceAll("[\\p{Cntrl}&&[^\\n\\t]]", ""), cut);
    }

    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    /**
     * The answer as text: UTF-8 where its bytes are UTF-8 (whatever its Content-Type says: a receiver that names
     * UTF-16 or EBCDIC for an ASCII answer would otherwise hide its text from the excerpt's check), else in the
     * charset its Content-Type names, else windows-1252 (what older software sends: read as UTF-8 regardless, a
     * Latin-1 answer's names showed with U+FFFD for their accents). A character cut in half at the end is dropped.
     */
    static String text(byte[] bytes, String contentType) {
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        // Not the end of input: a sequence cut by the 1 KiB read is left over instead of reported malformed.
        CoderResult result = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes), out, false);
        if (!result.isError()) {
            return out.flip().toString();
        }
        Charset declared = null;
        try {
            declared = contentType == null ? null : ContentType.parseLenient(contentType).getCharset();
        } catch (RuntimeException e) {
            // an unknown charset: read as if none was named
        }
        return new String(bytes, declared == null || declared.equals(StandardCharsets.UTF_8) ? WINDOWS_1252 : declared);
    }

    /** The start of a response body, and whether the body went on past it. */
    private record Excerpt(String text, boolean cut) {
    }

    /**
     * Retry-After as delta-seconds or an HTTP date (in any of the three forms RFC 9110 asks a recipient to
     * read); null when absent or unreadable. Seconds too many for a long are a wait past any bound, not none.
     */
    Duration retryAfter(Header header) {
        if (header == null || header.getValue() == null) {
            return null;
        }
        String value = header.getValue().trim();
        if (DELTA_SECONDS.matcher(value).matches()) {
            try {
                return Duration.ofSeconds(Long.parseLong(value));
            } catch (NumberFormatException tooLarge) {
                return Duration.ofSeconds(Long.MAX_VALUE);
            }
        }
        Instant at;
        try {
            at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            at = DateUtils.parseStandardDate(value); // the obsolete RFC 850 form
        }
        if (at == null) {
            try {
                at = LocalDateTime.parse(value, ASCTIME).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        if (at == null) {
            return null;
        }
        Duration wait = Duration.between(clock.instant(), at);
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    private static final Pattern DELTA_SECONDS = Pattern.compile("[0-9]+");
    /** C's asctime(), in GMT: {@code Sun Nov  6 08:49:37 1994}. */
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy",
            Locale.US);

    @Override
    public void close() {
        deadlines.shutdownNow();
        try {
            client.close();
        } catch (IOException ignored) {
            // closing idle connections
        }
    }

    /** Resolves through the policy: only checked addresses reach the connection. */
    private record CheckingResolver(AddressPolicy policy) implements DnsResolver {

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            return policy.resolve(host);
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host; // never a reverse lookup
        }
    }
}
