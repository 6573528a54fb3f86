package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.notesync.NotesyncApplication;

/** The command's arguments are checked before anything starts. */
class BootstrapAdminTest {

    @Test
    void theOrganizationIsRequired() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = NotesyncApplication.command(new String[] {"bootstrap-admin", "--client-name=ops"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--organization is required", "Usage:");
    }

    @Test
    void anUnknownArgumentIsRefused() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = NotesyncApplication.command(new String[] {"bootstrap-admin", "--organization=Op", "--org=x"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown argument: --org=x");
    }

    @Test
    void anUnknownCommandIsRefused() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = NotesyncApplication.command(new String[] {"make-admin"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown command");
    }
}
