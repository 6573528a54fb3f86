package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.notesync.NotesyncProperties;
import org.springframework.util.unit.DataSize;

class SecretBoxTest {

    @TempDir
    Path dir;

    @Test
    void productionModeRefusesToRunWithoutAMasterKey() {
        assertThatThrownBy(() -> new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NOTESYNC_SECRET_KEY must be set in production mode");
        assertThatThrownBy(() -> new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "  ")))
                .hasMessageContaining("NOTESYNC_SECRET_KEY");
        assertThat(dir.resolve("secret.key")).doesNotExist();
    }

    @Test
    void devModeMakesAKeyInTheDataDirectoryAndFindsItAgain() {
        SecretBox first = new SecretBox(properties(NotesyncProperties.Mode.DEV, null));
        String sealed = first.encrypt("a signing key");
        assertThat(Files.exists(dir.resolve("secret.key"))).isTrue();
        assertThat(sealed).doesNotContain("a signing key");

        SecretBox afterRestart = new SecretBox(properties(NotesyncProperties.Mode.DEV, null));
        assertThat(afterRestart.decrypt(sealed)).isEqualTo("a signing key");
    }

    @Test
    void aConfiguredKeyIsUsedAndAnotherKeyCannotDecrypt() {
        SecretBox box = new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "key-one"));
        String sealed = box.encrypt("secret");
        assertThat(new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "key-one")).decrypt(sealed))
                .isEqualTo("secret");
        assertThatThrownBy(() -> new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "key-two")).decrypt(sealed))
                .isInstanceOf(RuntimeException.class);
        assertThat(dir.resolve("secret.key")).doesNotExist();
    }

    private NotesyncProperties properties(NotesyncProperties.Mode mode, String key) {
        return new NotesyncProperties(mode, key, dir.toString(), null, DataSize.ofMegabytes(1),
                new NotesyncProperties.Dev("c", "s", "a", "as", "u@example.test", "p"));
    }
}
