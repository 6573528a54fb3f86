package org.notesync.agent;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

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
    }

    /** Reads {@code file} (if it exists) and then the environment. */
    static AgentConfig load(Path file, Map<String, String> env) {
        Properties properties = new Properties();
        if (file != null && Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new ConfigException("Cannot read " + file + ": " + e.getMessage());
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
        URI uri = URI.create(serverUrl);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new ConfigException("server-url must be an absolute http(s) URL");
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

    @Override
    public String toString() {
        // Never the secrets: the configuration is printed at start-up.
        return "AgentConfig[server-url=" + serverUrl + ", client-id=" + clientId + ", webhooks="
                + (webhookSecret != null ? host + ":" + port + webhookPath : "off") + ", jdbc-url=" + jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***")
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
