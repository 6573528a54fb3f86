package org.notesync.agent;

import java.nio.file.Path;

/** The agent's database as it is by default: an H2 file. */
class SyncAgentH2IT extends SyncAgentContract {

    @Override
    String agentDatabase(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("agent").toAbsolutePath();
    }
}
