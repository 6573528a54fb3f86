package org.notesync.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;

/**
 * async-profiler in the server nodes during each measured step ({@code --profile=true}): CPU samples every
 * millisecond, Java and native frames, written per node and step as a flame graph,
 * {@code <node>-<step>.html}, in the run directory. The library comes from async-profiler's jar on the
 * bench's class path and is loaded into the running nodes through the JDK's attach API, so warm-up and
 * set-up stay out of the profiles.
 */
class Profiler {

    /** Profiles nothing. */
    static final Profiler OFF = new Profiler(null, null);

    private static final String LIBRARY = "linux-x64/libasyncProfiler.so";

    private final Path library;
    private final Path directory;

    private Profiler(Path library, Path directory) {
        this.library = library;
        this.directory = directory;
    }

    /** A profiler writing into {@code runDirectory}, with the library copied there from the class path. */
    static Profiler into(Path runDirectory) throws IOException {
        try (InputStream in = Profiler.class.getClassLoader().getResourceAsStream(LIBRARY)) {
            if (in == null) {
                throw new IOException(LIBRARY + " is not on the class path (async-profiler's linux-x64 jar)");
            }
            // Absolute: the nodes resolve these paths, whatever their working directory.
            Path directory = runDirectory.toAbsolutePath();
            Path copy = directory.resolve("libasyncProfiler.so");
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            return new Profiler(copy, directory);
        }
    }

    void start(List<ServerNode> nodes) {
        if (library == null) {
            return;
        }
        for (ServerNode node : nodes) {
            command(node, "start,event=cpu,interval=1ms");
        }
    }

    /** Stops the profiles begun by {@link #start} and writes them, named after {@code step}. */
    void stop(List<ServerNode> nodes, String step) {
        if (library == null) {
            return;
        }
        for (ServerNode node : nodes) {
            if (node.alive()) {
                command(node, "stop,file=" + directory.resolve(node.name + "-" + fileName(step) + ".html"));
            }
        }
    }

    /** {@code api round 1/2 GET /notes} becomes {@code api-round-1-2-GET-notes}. */
    static String fileName(String step) {
        return step.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    private void command(ServerNode node, String options) {
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(node.pid()));
            try {
                vm.loadAgentPath(library.toString(), options);
            } finally {
                vm.detach();
            }
        } catch (IOException | AttachNotSupportedException | AgentLoadException | AgentInitializationException e) {
            throw new IllegalStateException("async-profiler '" + options + "' in " + node.name + ": " + e.getMessage(),
                    e);
        }
    }
}
