package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * What an operator gets wrong at start is said in a few lines, naming the setting, rather than in a stack trace
 * through every bean that was being created (100 to 200 lines).
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupMistakesIT {

    @TempDir
    Path dir;

    @Test
    void productionWithoutItsSettingsSaysWhichOneIsMissing(CapturedOutput output) {
        Map<String, String> settings = new LinkedHashMap<>(h2());
        settings.put("notesync.mode", "production");
        settings.put("notesync.issuer", "https://notes.example.com");
        assertRefusedInAFewLines(output, settings, "NOTESYNC_SECRET_KEY must be set in production mode");

        settings.put("notesync.secret-key", "a-production-master-key-0123456789");
        settings.remove("notesync.issuer");
        assertRefusedInAFewLines(output, settings, "NOTESYNC_ISSUER must be set in production mode");

        settings.put("notesync.issuer", "https://notes.example.com");
        assertRefusedInAFewLines(output, settings, "Production mode needs PostgreSQL");
    }

    @Test
    void anIssuerThatIsNotABaseUrlIsRefusedByName(CapturedOutput output) {
        for (String issuer : new String[] {"notes.example.com", "ftp://notes.example.com", "https://x/?a=b"}) {
            Map<String, String> settings = new LinkedHashMap<>(h2());
            settings.put("notesync.issuer", issuer);
            assertRefusedInAFewLines(output, settings, "NOTESYNC_ISSUER (" + issuer + ") must be the public base URL");
        }
    }

    @Test
    void aDatabaseThatCannotBeReachedIsSaidSo(CapturedOutput output) {
        Map<String, String> settings = new LinkedHashMap<>(h2());
        settings.put("spring.datasource.url", "jdbc:postgresql://127.0.0.1:1/notesync");
        settings.put("spring.datasource.username", "notesync");
        settings.put("spring.datasource.password", "the-password");
        String said = assertRefusedInAFewLines(output, settings, "Cannot connect to the database");
        assertThat(said).contains("NOTESYNC_DB_URL").doesNotContain("the-password");
    }

    private Map<String, String> h2() {
        return Map.of("spring.datasource.url", "jdbc:h2:mem:mistake-" + UUID.randomUUID()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
                "notesync.data-dir", dir.toString(), "notesync.mode", "dev");
    }

    /** Starts the server, which must refuse; returns what it printed. */
    private static String assertRefusedInAFewLines(CapturedOutput output, Map<String, String> settings,
            String message) {
        int from = output.getAll().length();
        assertThatThrownBy(() -> Apps.start(settings).close()).as(message).isNotNull();
        String said = output.getAll().substring(from);
        assertThat(said).as(message).contains("APPLICATION FAILED TO START", message);
        assertThat(said.lines().filter(line -> line.startsWith("\tat ")).count())
                .as("stack trace lines for " + message).isZero();
        return said;
    }
}
