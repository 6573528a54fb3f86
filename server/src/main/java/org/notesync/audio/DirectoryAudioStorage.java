package org.notesync.audio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/** Audio files in a directory: written to a temporary file first, then moved into place atomically. */
final class DirectoryAudioStorage implements AudioStorage {

    private static final Pattern KEY = Pattern.compile("^[a-z0-9-]+(/[a-z0-9-]+)*(\\.[a-z0-9]+)?$");

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
        Path temporary = Files.createTempFile(target.getParent(), ".upload-", ".part");
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
