package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.notesync.support.OnPostgres;
import org.notesync.support.ServerTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

@ServerTest
@OnPostgres
class GenericPlansPostgresIT {

    @Autowired
    private GenericPlans genericPlans;

    @Autowired
    private JdbcTemplate jdbc;

    @Test
    void statementsInsideUseGenericPlansAndTheSettingEndsWithThem() {
        assertThat(genericPlans.run(this::planCacheMode)).isEqualTo("force_generic_plan");
        assertThat(planCacheMode()).isEqualTo("auto");
        assertThat(genericPlans.run(() -> jdbc.queryForObject("SELECT COUNT(*) FROM organizations", Long.class)))
                .isNotNull();
        assertThat(planCacheMode()).isEqualTo("auto");
    }

    private String planCacheMode() {
        return jdbc.queryForObject("SHOW plan_cache_mode", String.class);
    }
}
