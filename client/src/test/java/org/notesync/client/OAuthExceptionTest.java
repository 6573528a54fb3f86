package org.notesync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class OAuthExceptionTest {

    @Test
    void anAnswerOfTheAuthorizationServerIsNamedWithItsStatus() {
        assertThat(new OAuthException(400, "invalid_grant", "Refresh token already used."))
                .hasMessage("OAuth 2 error invalid_grant: Refresh token already used. (HTTP 400)");
    }

    @Test
    void anEmptyTokenStoreIsRefusedWithoutClaimingAnHttpAnswer() {
        TokenStore empty = new TokenStore() {
            public Optional<Token> load() {
                return Optional.empty();
            }

            public void save(Token token) {
            }
        };
        NotesyncClient client = NotesyncClient.builder("http://127.0.0.1:9")
                .refreshingTokens("demo-integration", "demo-secret", empty)
                .build();

        assertThatThrownBy(client::me).isInstanceOfSatisfying(OAuthException.class, e -> {
            assertThat(e.error()).isEqualTo("invalid_grant");
            assertThat(e.status()).isZero();
            assertThat(e.getMessage()).doesNotContain("HTTP");
        });
    }
}
