package org.notesync.audio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Audio files in a directory: written to a temporary file first, then moved into place atomically. */
final class DirectoryAudioStorage implements AudioStorage {

    private static final Pattern KEY = Pattern.compile("^[a-z0-9-]+(/[a-z0-9-]+)*(\\.[a-z0-9]+)?$");
    private static final String PARTIAL_PREFIX = ".upload-";
    private static final String PARTIAL_SUFFIX = ".part";

    private final Path root;

    DirectoryAudioStorage(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    @Override
    public long write(String key, InputStream content) throws IOException {
        Path target = path(key);
        Files.createDirectories(target.getParent());
        Path temporary = Files.createTempFile(target.getParent(), PARTIAL_PREFIX, PARTIAL_SUFFIX);
        try {
            long written = Files.copy(content, temporary, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return written;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        return Files.newInputStream(path(key));
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(path(key));
    }

    /** The files whose relative path is a key; partial uploads and anything else in the directory are not. */
    @Override
    public Stream<StoredObject> list() throws IOException {
        if (!Files.isDirectory(root)) {
            return Stream.empty();
        }
        return Files.find(root, Integer.MAX_VALUE, (path, attributes) -> attributes.isRegularFile())
                .map(path -> {
                    String key = root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
                    return KEY.matcher(key).matches() ? new StoredObject(key, modified(path)) : null;
                })
                .filter(object -> object != null && object.written() != null);
    }

    @Override
    public int removeIncomplete(Instant startedBefore) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> partial = Files.find(root, Integer.MAX_VALUE, (path, attributes) -> attributes.isRegularFile()
                && isPartial(path) && attributes.lastModifiedTime().toInstant().isBefore(startedBefore))) {
            for (Path path : (Iterable<Path>) partial::iterator) {
                if (Files.deleteIfExists(path)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private static boolean isPartial(Path path) {
        String name = path.getFileName().toString();
        return name.startsWith(PARTIAL_PREFIX) && name.endsWith(PARTIAL_SUFFIX);
    }

    /** When the file was written, or null when it went away meanwhile. */
    private static Instant modified(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).lastModifiedTime().toInstant();
        } catch (IOException e) {
            return null;
        }
    }

    private Path path(String key) {
        // Keys come from code, but a path outside the root must be impossible whatever a key holds.
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("invalid storage key");
        }
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("invalid storage key");
        }
        return path;
    }
}
