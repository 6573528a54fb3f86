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

    @Test
    void withThePreviousKeyWhatItEncryptedIsReadAndEncryptedAgainUnderTheNewOne() {
        String old = new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "key-one")).encrypt("secret");
        SecretBox changing = new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "key-two", "key-one"));
        assertThat(changing.changingKeys()).isTrue();
        assertThat(changing.decrypt(old)).isEqualTo("secret");
        String resealed = changing.resealed(old).orElseThrow();
        assertThat(new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "key-two")).decrypt(resealed))
                .isEqualTo("secret");
        assertThat(changing.resealed(resealed)).as("already under the new key").isEmpty();
        assertThat(changing.derivePrevious("p")).contains(new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION,
                "key-one")).derive("p"));

        String third = new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "key-three")).encrypt("secret");
        assertThatThrownBy(() -> changing.decrypt(third)).isInstanceOf(SecretBox.UnreadableSecret.class)
                .hasMessageContaining("NOTESYNC_SECRET_KEY nor NOTESYNC_PREVIOUS_SECRET_KEY");
        assertThatThrownBy(() -> changing.resealed(third)).isInstanceOf(SecretBox.UnreadableSecret.class);
        SecretBox steady = new SecretBox(properties(NotesyncProperties.Mode.PRODUCTION, "key-two"));
        assertThat(steady.changingKeys()).isFalse();
        assertThat(steady.resealed(third)).as("nothing to do without a previous key").isEmpty();
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
