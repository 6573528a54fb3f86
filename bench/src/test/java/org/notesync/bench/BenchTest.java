package org.notesync.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BenchTest {

    private static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty(PARALLELISM);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(PARALLELISM);
        } else {
            System.setProperty(PARALLELISM, before);
        }
    }

    @Test
    void theCommonPoolGetsAtLeastTwoThreadsSoTheHttpClientsCompletionsStartNoThreadEach() {
        System.clearProperty(PARALLELISM);
        Bench.commonPoolOfAtLeastTwo();
        assertThat(Integer.parseInt(System.getProperty(PARALLELISM))).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aParallelismTheUserSetIsKept() {
        System.setProperty(PARALLELISM, "7");
        Bench.commonPoolOfAtLeastTwo();
        assertThat(System.getProperty(PARALLELISM)).isEqualTo("7");
    }
}
