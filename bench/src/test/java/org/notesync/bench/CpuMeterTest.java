package org.notesync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX) // /proc
class CpuMeterTest {

    @Test
    void theJitCompilerThreadsAreAPartOfTheProcessCpuThatHasBeenUsed() {
        long pid = ProcessHandle.current().pid();
        // Starting JUnit and this class has kept C1 busy for far longer than one 10 ms tick.
        long compiler = CpuMeter.compilerTicks(pid);
        long process = CpuMeter.ticks(pid);
        assertThat(compiler).isPositive();
        assertThat(compiler).isLessThanOrEqualTo(process);
    }

    @Test
    void aProcessThatIsGoneHasUsedNothing() {
        assertThat(CpuMeter.compilerTicks(Long.MAX_VALUE)).isZero();
        assertThat(CpuMeter.ticks(Long.MAX_VALUE)).isZero();
    }
}
