package org.notesync.agent;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.notesync.support.OnPostgres;
import org.notesync.support.PostgresCondition;

/** The server and the agent's database both on PostgreSQL, the agent in a fresh schema for each test. */
@OnPostgres
class SyncAgentPostgresIT extends SyncAgentContract {

    @Override
    String agentDatabase(Path dir) {
        String url = System.getenv(PostgresCondition.VARIABLE);
        String schema = "agent_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(url, AgentDatabaseUser.user(url), "");
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the agent's test schema", e);
        }
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
