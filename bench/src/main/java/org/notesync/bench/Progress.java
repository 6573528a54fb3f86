package org.notesync.bench;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The progress line of a long phase, on standard error: rewritten every second on a terminal, a new
 * line every 10 seconds otherwise (CI logs). Tables go to standard output, so they stay clean.
 */
final class Progress implements AutoCloseable {

    private static final PrintStream OUT = System.err;
    private static final boolean TERMINAL = System.console() != null;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "progress");
        thread.setDaemon(true);
        return thread;
    });
    private final long started = System.nanoTime();
    private final Supplier<String> line;
    private volatile int width;

    private Progress(Supplier<String> line) {
        this.line = line;
        long period = TERMINAL ? 1 : 10;
        timer.scheduleAtFixedRate(this::print, period, period, TimeUnit.SECONDS);
    }

    static Progress of(Supplier<String> line) {
        return new Progress(line);
    }

    static void say(String message) {
        OUT.println(message);
        OUT.flush();
    }

    private synchronized void print() {
        String text;
        try {
            text = String.format("  [%4ds] %s", (System.nanoTime() - started) / 1_000_000_000L, line.get());
        } catch (RuntimeException e) {
            return;
        }
        if (TERMINAL) {
            OUT.print("\r" + text + " ".repeat(Math.max(0, width - text.length())));
            width = text.length();
        } else {
            OUT.println(text);
        }
        OUT.flush();
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        if (TERMINAL && width > 0) {
            OUT.print("\r" + " ".repeat(width) + "\r");
            OUT.flush();
        }
    }
}
