package org.notesync.client;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** What the examples of docs/sdk.md take as given; see {@link DocsExamplesTest}. */
public abstract class DocsContext {

    /** The integrator's own system. */
    public interface PracticeSystem {
        void upsertNote(Note note);
    }

    protected NotesyncClient client;
    protected AuthorizationServer authorizationServer;
    protected UUID patientUuid;
    protected UUID clinicianUuid;
    protected String secret;
    protected HttpServletRequest request;
    protected HttpServletResponse response;
    protected byte[] body;
    protected Queue<Note> queue = new ArrayDeque<>();
    protected String codeFromTheCallback;
    protected long lastCursor;
    protected PracticeSystem practiceSystem;

    protected Token readTokenFromYourDatabase() {
        return null;
    }

    protected void writeTokenToYourDatabase(Token token) {
    }

    protected String loadCheckpointFromYourDatabase() {
        return null;
    }

    protected void saveCheckpointToYourDatabase(String checkpoint) {
    }
}
