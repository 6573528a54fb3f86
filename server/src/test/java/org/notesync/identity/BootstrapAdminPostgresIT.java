package org.notesync.identity;

import java.nio.file.Path;
import java.util.Map;

import org.notesync.support.OnPostgres;

/** As an operator runs it: production mode on PostgreSQL, where nothing else creates an administrator. */
@OnPostgres
class BootstrapAdminPostgresIT extends BootstrapAdminContract {

    @Override
    Apps.Database database(Path dir) {
        return Apps.postgresSchema(dir);
    }

    @Override
    Map<String, String> mode() {
        return Map.of("notesync.mode", "production", "notesync.secret-key", "bootstrap-test-master-key-0123456789",
                "notesync.issuer", "http://127.0.0.1");
    }
}
