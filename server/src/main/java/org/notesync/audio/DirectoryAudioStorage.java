package org.notesync.audio;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;

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
            // On disk before the upload's row commits (in PostgreSQL, durably): a host that crashed after the 201
            // left a row without its file, or with an empty one (a rename of a file not yet written back).
            try (FileChannel file = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                file.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory(target.getParent());
            return written;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** The directory's entries on disk (the rename); where a directory cannot be opened (Windows), skipped. */
    private static void forceDirectory(Path directory) {
        try (FileChannel entries = FileChannel.open(directory, StandardOpenOption.READ)) {
            entries.force(true);
        } catch (IOException | UnsupportedOperationException notHere) {
            // the file itself is on disk; only its name could be lost with the host
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
    public void forEachObject(Consumer<StoredObject> each) throws IOException {
        walk((path, attributes) -> {
            String key = root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
            if (KEY.matcher(key).matches()) {
                each.accept(new StoredObject(key, attributes.lastModifiedTime().toInstant()));
            }
        });
    }

    @Override
    public int removeIncomplete(Instant startedBefore) throws IOException {
        int[] removed = {0};
        walk((path, attributes) -> {
            String name = path.getFileName().toString();
            if (name.startsWith(PARTIAL_PREFIX) && name.endsWith(PARTIAL_SUFFIX)
                    && attributes.lastModifiedTime().toInstant().isBefore(startedBefore)) {
                try {
                    if (Files.deleteIfExists(path)) {
                        removed[0]++;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        return removed[0];
    }

    /**
     * Visits every regular file under the root. Files and directories that go away between being listed and
     * being read are passed over: others write, move and remove files in the directory all the time.
     */
    private void walk(BiConsumer<Path, BasicFileAttributes> visit) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile()) {
                        visit.accept(file, attributes);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e == null || e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
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
