package org.notesync.bench;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionsTest {

    @Test
    void givenValuesWinOverDefaults() {
        Options o = Options.parse(List.of("--rates=10,20", "--duration=2m", "--jfr", "--warmup=500ms"));

        assertThat(o.integers("rates")).containsExactly(10, 20);
        assertThat(o.duration("duration")).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.duration("warmup")).isEqualTo(Duration.ofMillis(500));
        assertThat(o.flag("jfr")).isTrue();
        assertThat(o.integer("concurrency")).isEqualTo(16);
        assertThat(o.duration("sustain")).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.integer("notes")).isEqualTo(1_000_000);
    }

    @Test
    void anUnknownOptionOrABadValueIsNamed() {
        assertThatThrownBy(() -> Options.parse(List.of("--rate=5"))).hasMessageContaining("--rate=5");
        assertThatThrownBy(() -> Options.parse(List.of("--duration=soon")).duration("duration"))
                .hasMessageContaining("--duration");
        assertThatThrownBy(() -> Options.parse(List.of("--burst=many")).integer("burst"))
                .hasMessageContaining("--burst");
    }

    @Test
    void helpListsEveryOption() {
        String help = Options.help();
        Options.KNOWN.keySet().forEach(name -> assertThat(help).contains("--" + name));
    }
}
