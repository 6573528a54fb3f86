package org.notesync.ratelimit;

import java.time.Clock;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "notesync.rate-limit.enabled", matchIfMissing = true)
class RateLimitConfiguration {

    /** After Spring Security's filter chain (-100), which authenticates the bearer token. */
    static final int ORDER = 0;

    @Bean
    SharedBuckets sharedBuckets(DataSource dataSource) {
        return new SharedBuckets(dataSource);
    }

    @Bean
    TokenBuckets tokenBuckets(RateLimitProperties properties, Clock clock, SharedBuckets shared) {
        return new TokenBuckets(properties, clock, shared);
    }

    @Bean
    BucketSync bucketSync(TokenBuckets buckets, SharedBuckets shared, RateLimitProperties properties, Clock clock) {
        return new BucketSync(buckets, shared, properties, clock);
    }

    @Bean
    FilterRegistrationBean<RateLimitFilter> rateLimitFilter(TokenBuckets buckets, JsonMapper json) {
        FilterRegistrationBean<RateLimitFilter> registration = new FilterRegistrationBean<>(
                new RateLimitFilter(buckets, json));
        registration.setOrder(ORDER);
        return registration;
    }
}
