package org.notesync;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Production mode runs on PostgreSQL only: the embedded H2 database is for trying things out. And dev mode runs on
 * PostgreSQL only when asked for: it creates demo clients whose secrets are in the README ({@code demo-admin} has
 * the admin scope) and lets webhooks reach loopback addresses, which a production database forgotten in dev mode
 * (the prod profile left out) must never have.
 */
@Component
class DatabaseGuard implements InitializingBean {

    private final NotesyncProperties properties;
    private final DataSource dataSource;

    DatabaseGuard(NotesyncProperties properties, DataSource dataSource) {
        this.properties = properties;
        this.dataSource = dataSource;
    }

    @Override
    public void afterPropertiesSet() throws SQLException {
        if (properties.modeChosen() && !properties.production()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName();
            boolean postgres = "PostgreSQL".equalsIgnoreCase(product);
            if (!properties.modeChosen()) {
                if (postgres) {
                    throw new StartupMistake("This server runs on PostgreSQL without a mode: set "
                            + "SPRING_PROFILES_ACTIVE=prod (or NOTESYNC_MODE=production) for production, or "
                            + "NOTESYNC_MODE=dev for a database to try things out on. Dev mode creates demo clients "
                            + "whose secrets are in the README, one of them with the admin scope.");
                }
                return;
            }
            if (!postgres) {
                throw new StartupMistake("Production mode needs PostgreSQL, but the database is " + product
                        + ". Set NOTESYNC_DB_URL (jdbc:postgresql://host:5432/db), NOTESYNC_DB_USER and "
                        + "NOTESYNC_DB_PASSWORD.");
            }
        }
    }
}
