package org.notesync.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory store: what it lists, what it passes over, and keys that could leave its root. */
class DirectoryAudioStorageTest {

    @TempDir
    Path root;

    @Test
    void itListsTheObjectsUnderTheirKeysAndNothingElse() throws IOException {
        DirectoryAudioStorage storage = new DirectoryAudioStorage(root);
        storage.write("org/one.wav", new ByteArrayInputStream(new byte[] {1, 2}));
        storage.write("org/deeper/two.mp3", new ByteArrayInputStream(new byte[] {3}));
        Files.writeString(root.resolve("org/.upload-1.part"), "partial");
        Files.writeString(root.resolve("README.TXT"), "not a key");

        List<String> keys = new ArrayList<>();
        storage.forEachObject(object -> keys.add(object.key()));
        assertThat(keys).containsExactlyInAnyOrder("org/one.wav", "org/deeper/two.mp3");
    }

    @Test
    void aFileRemovedWhileTheDirectoryIsListedIsPassedOver() throws IOException {
        DirectoryAudioStorage storage = new DirectoryAudioStorage(root);
        for (int i = 0; i < 200; i++) {
            storage.write("org/f" + i + ".wav", new ByteArrayInputStream(new byte[] {1}));
        }
        List<String> seen = new ArrayList<>();
        // The first file listed removes all the others, as uploads, deletions and other nodes do meanwhile.
        storage.forEachObject(object -> {
            if (seen.isEmpty()) {
                try (Stream<Path> files = Files.list(root.resolve("org"))) {
                    for (Path file : (Iterable<Path>) files::iterator) {
                        if (!file.getFileName().toString().equals(object.key().substring(4))) {
                            Files.delete(file);
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            seen.add(object.key());
        });
        assertThat(seen).hasSize(1);
    }

    @Test
    void onlyOldPartialFilesAreRemovedAsIncomplete() throws IOException {
        DirectoryAudioStorage storage = new DirectoryAudioStorage(root);
        Files.createDirectories(root.resolve("org"));
        Path old = Files.writeString(root.resolve("org/.upload-1.part"), "partial");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(7200)));
        Path fresh = Files.writeString(root.resolve("org/.upload-2.part"), "partial");
        Path object = Files.writeString(root.resolve("org/one.wav"), "complete");
        Files.setLastModifiedTime(object, FileTime.from(Instant.now().minusSeconds(7200)));

        assertThat(storage.removeIncomplete(Instant.now().minusSeconds(3600))).isOne();
        assertThat(old).doesNotExist();
        assertThat(fresh).exists();
        assertThat(object).exists();
    }

    @Test
    void aKeyCannotLeaveTheRoot() {
        DirectoryAudioStorage storage = new DirectoryAudioStorage(root);
        assertThatThrownBy(() -> storage.open("../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.delete("/etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMissingRootListsNothing() throws IOException {
        DirectoryAudioStorage storage = new DirectoryAudioStorage(root.resolve("not-yet"));
        List<String> keys = new ArrayList<>();
        storage.forEachObject(object -> keys.add(object.key()));
        assertThat(keys).isEmpty();
        assertThat(storage.removeIncomplete(Instant.now())).isZero();
    }
}
