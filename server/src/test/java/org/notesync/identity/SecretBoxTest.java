package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.notesync.NotesyncProperties;
import org.notesync.StartupMistake;
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
    void productionModeRefusesAShortMasterKey() {
        assertThatThrownBy(() -> new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "x".repeat(31))))
                .isInstanceOf(StartupMistake.class)
                .hasMessageContaining("NOTESYNC_SECRET_KEY is 31 characters; production mode needs at least 32")
                .hasMessageContaining("NOTESYNC_PREVIOUS_SECRET_KEY");
        assertThat(new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "x".repeat(32))).encrypt("s"))
                .isNotBlank();
        assertThat(new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "x".repeat(32), "short"))
                .changingKeys()).as("the key being replaced may be short").isTrue();
        assertThat(new SecretBox(properties(NotesyncProperties.Mode.DEV, "short")).encrypt("s"))
                .as("dev mode takes any key").isNotBlank();
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
        SecretBox box = new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "key-one-0123456789abcdef0123456789"));
        String sealed = box.encrypt("secret");
        assertThat(new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "key-one-0123456789abcdef0123456789")).decrypt(sealed))
                .isEqualTo("secret");
        assertThatThrownBy(() -> new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "key-two-0123456789abcdef0123456789")).decrypt(sealed))
                .isInstanceOf(RuntimeException.class);
        assertThat(dir.resolve("secret.key")).doesNotExist();
    }

    @Test
    void withThePreviousKeyWhatItEncryptedIsReadAndEncryptedAgainUnderTheNewOne() {
        String old = new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "key-one-0123456789abcdef0123456789")).encrypt("secret");
        SecretBox changing = new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "key-two-0123456789abcdef0123456789", "key-one-0123456789abcdef0123456789"));
        assertThat(changing.changingKeys()).isTrue();
        assertThat(changing.decrypt(old)).isEqualTo("secret");
        String resealed = changing.resealed(old).orElseThrow();
        assertThat(new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "key-two-0123456789abcdef0123456789")).decrypt(resealed))
                .isEqualTo("secret");
        assertThat(changing.resealed(resealed)).as("already under the new key").isEmpty();
        assertThat(changing.derivePrevious("p")).contains(new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION,
                "key-one-0123456789abcdef0123456789")).derive("p"));

        String third = new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "key-three-0123456789abcdef01234567")).encrypt("secret");
        assertThatThrownBy(() -> changing.decrypt(third)).isInstanceOf(SecretBox.UnreadableSecret.class)
                .hasMessageContaining("NOTESYNC_SECRET_KEY nor NOTESYNC_PREVIOUS_SECRET_KEY");
        assertThatThrownBy(() -> changing.resealed(third)).isInstanceOf(SecretBox.UnreadableSecret.class);
        SecretBox steady = new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "key-two-0123456789abcdef0123456789"));
        assertThat(steady.changingKeys()).isFalse();
        assertThat(steady.resealed(resealed)).as("nothing to do without a previous key").isEmpty();
        assertThatThrownBy(() -> steady.resealed(third)).as("but what it cannot read is said")
                .isInstanceOf(SecretBox.UnreadableSecret.class);
        assertThat(steady.derivePrevious("p")).isEmpty();
    }

    private NotesyncProperties properties(NotesyncProperties.Mode mode, String key) {
        return properties(mode, key, null);
    }

    private NotesyncProperties properties(NotesyncProperties.Mode mode, String key, String previous) {
        return new NotesyncProperties(mode, key, previous, dir.toString(), null, DataSize.ofMegabytes(1),
                new NotesyncProperties.Dev("c", "s", "a", "as", "u@example.test", "p"));
    }
}
