package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.security.oauth2.jwt.Jwt;

class ActiveClientsTest {

    private JdbcClient jdbc;
    /** Run once when the next check's connection is given back: the check has read, not yet decided. */
    private final AtomicReference<Runnable> afterRead = new AtomicReference<>();
    private ActiveClients clients;

    @BeforeEach
    void database() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:active-clients-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        jdbc = JdbcClient.create(h2);
        jdbc.sql("CREATE TABLE oauth2_registered_client (client_id varchar(100) PRIMARY KEY)").update();
        jdbc.sql("INSERT INTO oauth2_registered_client VALUES ('pms')").update();
        DataSource watched = new DelegatingDataSource(h2) {
            @Override
            public Connection getConnection() throws SQLException {
                Connection real = super.getConnection();
                return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                            Object result = method.invoke(real, args);
                            if (method.getName().equals("close")) {
                                Runnable then = afterRead.getAndSet(null);
                                if (then != null) {
                                    then.run();
                                }
                            }
                            return result;
                        });
            }
        };
        clients = new ActiveClients(JdbcClient.create(watched), Clock.systemUTC());
    }

    private static Jwt token() {
        return new Jwt("t", Instant.now(), Instant.now().plusSeconds(60), Map.of("alg", "RS256"),
                Map.of("client_id", "pms"));
    }

    @Test
    void aClientDeletedWhileItsTokenWasCheckedIsNotTrustedAfterItsDeletion() {
        afterRead.set(() -> {
            jdbc.sql("DELETE FROM oauth2_registered_client WHERE client_id = 'pms'").update();
            clients.forget("pms");
        });
        assertThat(clients.validate(token()).hasErrors()).as("read before the deletion: let through").isFalse();

        assertThat(clients.validate(token()).hasErrors()).as("the revoking node refuses it from now on").isTrue();
    }

    @Test
    void aClientFoundToExistIsTrustedWithoutAskingAgain() {
        assertThat(clients.validate(token()).hasErrors()).isFalse();
        jdbc.sql("DELETE FROM oauth2_registered_client WHERE client_id = 'pms'").update();
        assertThat(clients.validate(token()).hasErrors()).as("trusted for RECHECK").isFalse();
        clients.forget("pms");
        assertThat(clients.validate(token()).hasErrors()).isTrue();
    }
}
