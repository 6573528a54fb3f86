package org.notesync.support;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * Picked up by every server test's component scan: makes the application's {@link java.time.Clock} a
 * {@link SettableClock}. It follows system time unless a test freezes or advances it; such a test must
 * {@link SettableClock#reset()} it when done, so other tests sharing the context see real time.
 */
@Configuration(proxyBeanMethods = false)
public class TestClockConfiguration {

    @Bean
    @Primary
    SettableClock settableClock() {
        return new SettableClock();
    }
}
