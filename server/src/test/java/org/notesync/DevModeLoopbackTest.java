package org.notesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class DevModeLoopbackTest {

    private static StandardEnvironment environment(Map<String, Object> settings) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", settings));
        new DevModeLoopback().postProcessEnvironment(environment, null);
        return environment;
    }

    @Test
    void devModeListensOnLoopbackUnlessToldOtherwise() {
        assertThat(environment(Map.of()).getProperty("server.address")).isEqualTo("127.0.0.1");
        assertThat(environment(Map.of("notesync.mode", "dev")).getProperty("server.address")).isEqualTo("127.0.0.1");
        assertThat(environment(Map.of("notesync.mode", "dev", "server.address", "0.0.0.0"))
                .getProperty("server.address")).isEqualTo("0.0.0.0");
    }

    @Test
    void productionListensWhereSpringBootDoes() {
        assertThat(environment(Map.of("notesync.mode", "production")).getProperty("server.address")).isNull();
    }
}
