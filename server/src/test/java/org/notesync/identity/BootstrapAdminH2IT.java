package org.notesync.identity;

import java.nio.file.Path;
import java.util.Map;

/** On the embedded default: a file H2 database, dev mode. */
class BootstrapAdminH2IT extends BootstrapAdminContract {

    @Override
    Apps.Database database(Path dir) {
        return Apps.h2File(dir);
    }

    @Override
    Map<String, String> mode() {
        return Map.of("notesync.mode", "dev", "notesync.secret-key", "bootstrap-test-key");
    }
}
