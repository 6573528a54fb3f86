package org.notesync.agent;

/** The database user for a test's agent database: H2's default, or the test PostgreSQL's user. */
final class AgentDatabaseUser {

    private AgentDatabaseUser() {
    }

    static String user(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            String user = System.getenv("NOTESYNC_TEST_POSTGRES_USER");
            return user == null || user.isBlank() ? "postgres" : user;
        }
        return "sa";
    }
}
