package org.notesync.agent;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.notesync.client.WebhookVerifier;

/**
 * The agent's settings: a properties file ({@code server-url=...}) and environment variables
 * ({@code NOTESYNC_AGENT_SERVER_URL=...}), the environment winning, so secrets can stay out of the file.
 *
 * @param webhookSecret null for an agent that only polls
 * @param pollInterval  how often the change feed is read; the guide recommends 30 to 60 seconds
 */
record AgentConfig(String serverUrl, String clientId, String clientSecret, String webhookSecret, String host,
        int port, String webhookPath, String jdbcUrl, String jdbcUser, String jdbcPassword, Duration pollInterval) {

    /**
     * WRITE_DELAY=0: a webhook is answered 200 once its row is stored, so the commit must reach the file
     * before it returns; H2's default 500 ms delay lost committed rows to a kill -9.
     */
    static final String DEFAULT_JDBC_URL = "jdbc:h2:file:./agent-data/notesync-agent;AUTO_SERVER=TRUE;WRITE_DELAY=0";
    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(45);
    static final String ENV_PREFIX = "NOTESYNC_AGENT_";

    AgentConfig {
        if (pollInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException("poll-interval must be at least 1s (30s to 60s is recommended)");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException("port must be between 0 and 65535");
        }
        if (!webhookPath.startsWith("/")) {
            throw new ConfigException("webhook-path must start with /");
        }
        if (webhookSecret != null) {
            // Checked now, not at the first request: notesync's secrets are whsec_ and base64, and one copied
            // short or from elsewhere would only show as every webhook refused with 401.
            if (!webhookSecret.startsWith("whsec_")) {
                throw new ConfigException("webhook-secret must be the whsec_... secret notesync gave when the "
                        + "webhook was created (or rotated)");
            }
            try {
                WebhookVerifier.of(webhookSecret);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("webhook-secret: " + e.getMessage());
            }
        }
    }

    /** The settings' keys, in a file or (upper case, dashes as underscores) after {@link #ENV_PREFIX}. */
    static final List<String> KEYS = List.of("server-url", "client-id", "client-secret", "webhook-secret", "host",
            "port", "webhook-path", "jdbc-url", "jdbc-user", "jdbc-password", "poll-interval");

    /** Reads {@code file} (if it exists) and then the environment. */
    static AgentConfig load(Path file, Map<String, String> env) {
        return load(file, false, env);
    }

    /**
     * Reads {@code file} and then the environment; a file that was {@code named} (not the default one) must
     * exist. A key neither knows is refused with its name: a typo ({@code pol-interval}) was ignored, and a
     * missing file too, and the agent ran on its defaults (a database in the working directory).
     */
    static AgentConfig load(Path file, boolean named, Map<String, String> env) {
        Properties properties = new Properties();
        if (file != null && Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new ConfigException("Cannot read " + file + ": " + e.getMessage());
            }
        } else if (file != null && named) {
            throw new ConfigException("The configuration file " + file.toAbsolutePath() + " does not exist");
        }
        for (String key : properties.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new ConfigException("Unknown setting " + key + " in " + file + " (the settings are "
                        + String.join(", ", KEYS) + ")");
            }
        }
        for (String variable : env.keySet()) {
            if (variable.startsWith(ENV_PREFIX) && !variable.equals(ENV_PREFIX + "CONFIG") && KEYS.stream()
                    .noneMatch(k -> variable.equals(ENV_PREFIX + k.toUpperCase(Locale.ROOT).replace('-', '_')))) {
                throw new ConfigException("Unknown setting " + variable + " in the environment (the settings are "
                        + ENV_PREFIX + "<KEY>, KEY one of " + String.join(", ", KEYS) + ", upper case, - as _)");
            }
        }
        Settings s = new Settings(properties, env);
        return new AgentConfig(s.get("server-url", null), s.get("client-id", null), s.get("client-secret", null),
                s.get("webhook-secret", null), s.get("host", "0.0.0.0"), s.integer("port", 8091),
                s.get("webhook-path", "/notesync/webhook"), s.get("jdbc-url", DEFAULT_JDBC_URL),
                s.get("jdbc-user", "sa"), s.get("jdbc-password", ""),
                s.duration("poll-interval", DEFAULT_POLL_INTERVAL));
    }

    /** What {@code run} needs beyond what {@code status} needs. */
    AgentConfig requireServer() {
        if (serverUrl == null || clientId == null || clientSecret == null) {
            throw new ConfigException("Set server-url, client-id and client-secret (" + ENV_PREFIX
                    + "SERVER_URL, " + ENV_PREFIX + "CLIENT_ID, " + ENV_PREFIX + "CLIENT_SECRET)");
        }
        URI uri;
        try {
            uri = URI.create(serverUrl);
        } catch (IllegalArgumentException e) {
            // Not a URL at all (127.0.0.1:8080, no scheme): it was told as the database failing, status 1.
            uri = null;
        }
        if (uri == null || uri.getHost() == null || !List.of("http", "https").contains(String.valueOf(
                uri.getScheme()).toLowerCase(Locale.ROOT))) {
            throw new ConfigException("server-url must be an absolute http(s) URL such as https://notes.example.com"
                    + " (it is " + serverUrl + ")");
        }
        return this;
    }

    AgentConfig withPort(int port) {
        return new AgentConfig(serverUrl, clientId, clientSecret, webhookSecret, host, port, webhookPath, jdbcUrl,
                jdbcUser, jdbcPassword, pollInterval);
    }

    AgentConfig withWebhookSecret(String secret) {
        return new AgentConfig(serverUrl, clientId, clientSecret, secret, host, port, webhookPath, jdbcUrl,
                jdbcUser, jdbcPassword, pollInterval);
    }

    /** The JDBC URL without a password it may carry, for messages. */
    String safeJdbcUrl() {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    @Override
    public String toString() {
        // Never the secrets: the configuration is printed at start-up.
        return "AgentConfig[server-url=" + serverUrl + ", client-id=" + clientId + ", webhooks="
                + (webhookSecret != null ? host + ":" + port + webhookPath : "off") + ", jdbc-url=" + safeJdbcUrl()
                + ", poll-interval=" + pollInterval.toSeconds() + "s]";
    }

    static final class ConfigException extends RuntimeException {
        ConfigException(String message) {
            super(message);
        }
    }

    private record Settings(Properties file, Map<String, String> env) {

        String get(String key, String fallback) {
            String fromEnv = env.get(ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_'));
            String value = fromEnv != null ? fromEnv : file.getProperty(key);
            return value == null || value.isBlank() ? fallback : value.trim();
        }

        int integer(String key, int fallback) {
            String value = get(key, null);
            try {
                return value == null ? fallback : Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new ConfigException(key + " must be a whole number");
            }
        }

        /** {@code 45s}, {@code 2m}, a bare number of seconds, or ISO-8601 ({@code PT45S}). */
        Duration duration(String key, Duration fallback) {
            String value = get(key, null);
            if (value == null) {
                return fallback;
            }
            try {
                String v = value.toLowerCase(Locale.ROOT);
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s")) {
                    return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                if (v.endsWith("m")) {
                    return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                if (v.startsWith("pt")) {
                    return Duration.parse(value);
                }
                return Duration.ofSeconds(Long.parseLong(v));
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new ConfigException(key + " must be a duration such as 45s or 2m");
            }
        }
    }
}
