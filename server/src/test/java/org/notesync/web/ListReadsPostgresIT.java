package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.notesync.support.OnPostgres;
import org.notesync.support.ServerTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SingleColumnRowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

@ServerTest
@OnPostgres
class ListReadsPostgresIT {

    @Autowired
    private ListReads lists;

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private MeterRegistry meters;

    @Autowired
    private DataSource main;

    @Test
    void collectionsReadOnConnectionsWithGenericPlansAndTheMainPoolKeepsTheDefault() {
        assertThat(setting("plan_cache_mode")).isEqualTo("force_generic_plan");
        assertThat(jdbc.queryForObject("SHOW plan_cache_mode", String.class)).isEqualTo("auto");
        assertThat(meters.find("hikaricp.connections.max").tag("pool", ListReads.POOL_NAME).gauge()).isNotNull();
    }

    @Test
    void theirConnectionsAreSetUpAsTheMainPoolsOnes() {
        // Same schema and the session time zone the tests set with the main pool's connection-init-sql.
        assertThat(setting("search_path")).isEqualTo(jdbc.queryForObject("SHOW search_path", String.class));
        assertThat(setting("TimeZone")).isEqualTo("America/Sao_Paulo");
        long migrations = jdbc.queryForObject("SELECT COUNT(*) FROM flyway_schema_history", Long.class);
        assertThat(migrations).isGreaterThan(1);
        // Pages of one: the first is full, so the count runs through the pool too, in the same schema.
        assertThat(lists.page("SELECT COUNT(*) FROM flyway_schema_history f",
                "SELECT f.installed_rank FROM flyway_schema_history f", new SqlWhere(), "f.installed_rank",
                new SingleColumnRowMapper<>(Integer.class), 1, 1).totalItems()).isEqualTo(migrations);
    }

    @Test
    void theyRefuseWrites() {
        JdbcClient reads = JdbcClient.create(readsPool());
        assertThatThrownBy(() -> reads.sql("DELETE FROM organizations WHERE FALSE").update())
                .hasMessageContaining("read-only transaction");
        assertThat(jdbc.queryForObject("SHOW default_transaction_read_only", String.class)).isEqualTo("off");
    }

    @Test
    void aListPoolSizeOfZeroReadsThroughTheMainPool() {
        ListReads onMain = new ListReads(main, new StaticListableBeanFactory().getBeanProvider(MeterRegistry.class), 0);

        assertThat(onMain.dataSource()).isSameAs(main);
        assertThat(JdbcClient.create(onMain.dataSource()).sql("SHOW plan_cache_mode").query(String.class).single())
                .isEqualTo("auto");
        onMain.destroy();
    }

    private String setting(String name) {
        return JdbcClient.create(readsPool()).sql("SHOW " + name).query(String.class).single();
    }

    private DataSource readsPool() {
        return lists.dataSource();
    }
}
