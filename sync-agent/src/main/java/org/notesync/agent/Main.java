package org.notesync.agent;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar notesync-sync-agent.jar run|status [--config=FILE]}: runs the agent, or prints what it
 * has done from its database (whether it is running or not).
 */
public final class Main {

    /** {@code run} returns once the JVM is shutting down: exiting then would block. */
    static final int RUNNING_UNTIL_STOPPED = -1;

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        int code = run(args, System.getenv(), System.out, System.err);
        if (code != RUNNING_UNTIL_STOPPED) {
            System.exit(code);
        }
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) throws InterruptedException {
        String command = null;
        boolean named = env.containsKey("NOTESYNC_AGENT_CONFIG");
        Path configFile = named ? Path.of(env.get("NOTESYNC_AGENT_CONFIG")) : Path.of("sync-agent.properties");
        for (String arg : args) {
            if (arg.startsWith("--config=")) {
                configFile = Path.of(arg.substring("--config=".length()));
                named = true;
            } else if (command == null) {
                command = arg;
            } else {
                return usage(err, "Unexpected argument " + arg);
            }
        }
        if (command == null) {
            // No command is a mistake of the caller (a service unit missing "run"), not a success.
            return usage(err, "No command given");
        }
        if (command.equals("help") || command.equals("--help")) {
            return usage(out, null);
        }
        AgentConfig config;
        try {
            config = AgentConfig.load(configFile, named, env);
        } catch (AgentConfig.ConfigException e) {
            err.println("Configuration error: " + e.getMessage());
            return 2;
        }
        switch (command) {
            case "status":
                try (AgentDatabase database = AgentDatabase.openExisting(config)) {
                    out.println(SyncAgent.JSON.writerWithDefaultPrettyPrinter()
                            .writeValueAsString(new SyncState(database, Clock.systemUTC()).read()));
                    return 0;
                } catch (RuntimeException e) {
                    err.println("Cannot read the agent's database " + config.safeJdbcUrl() + ": " + e.getMessage());
                    return 1;
                }
            case "run":
                SyncAgent agent;
                try {
                    agent = new SyncAgent(config, Clock.systemUTC()).start();
                } catch (AgentConfig.ConfigException e) {
                    err.println("Configuration error: " + e.getMessage());
                    return 2;
                } catch (UncheckedIOException e) {
                    // The port taken, or the host not one of this machine's addresses.
                    err.println("Configuration error: " + e.getMessage() + " ("
                            + (e.getCause() == null ? "" : e.getCause().getMessage()) + "); set port or host.");
                    return 2;
                } catch (RuntimeException e) {
                    // Its database unreachable, most often: one line, as for status, not a stack trace.
                    err.println("Cannot start the agent: " + rootMessage(e) + " (its database: "
                            + config.safeJdbcUrl() + ")");
                    return 1;
                }
                CountDownLatch stopped = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    agent.close();
                    stopped.countDown();
                }, "agent-shutdown"));
                stopped.await();
                return RUNNING_UNTIL_STOPPED;
            default:
                return usage(err, "Unknown command " + command);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    private static int usage(PrintStream to, String problem) {
        if (problem != null) {
            to.println(problem);
        }
        to.println("""
                Usage: java -jar notesync-sync-agent.jar run|status [--config=sync-agent.properties]
                  run     receive webhooks, catch up through the change feed, import notes into the database
                  status  print what the agent has imported, from its database
                Settings (file keys, or environment variables NOTESYNC_AGENT_<KEY>): server-url, client-id,
                  client-secret, webhook-secret, host, port, webhook-path, jdbc-url, jdbc-user, jdbc-password,
                  poll-interval. See docs/integration.md.""");
        return problem == null ? 0 : 2;
    }
}
