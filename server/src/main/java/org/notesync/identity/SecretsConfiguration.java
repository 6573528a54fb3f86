package org.notesync.identity;

import org.notesync.web.IdempotencyKeys;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Keys derived from the master key for the packages that may not see {@link SecretBox}. */
@Configuration(proxyBeanMethods = false)
class SecretsConfiguration {

    @Bean
    IdempotencyKeys.Secret idempotencyKeysSecret(SecretBox secrets) {
        return new IdempotencyKeys.Secret(secrets.derive("idempotency-keys"),
                secrets.derivePrevious("idempotency-keys"));
    }
}
