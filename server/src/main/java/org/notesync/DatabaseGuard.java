package org.notesync;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/** Production mode runs on PostgreSQL only: the embedded H2 database is for trying things out. */
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
        if (!properties.production()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName();
            if (!"PostgreSQL".equalsIgnoreCase(product)) {
                throw new StartupMistake("Production mode needs PostgreSQL, but the database is " + product
                        + ". Set NOTESYNC_DB_URL (jdbc:postgresql://host:5432/db), NOTESYNC_DB_USER and "
                        + "NOTESYNC_DB_PASSWORD.");
            }
        }
    }
}
