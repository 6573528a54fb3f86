package org.notesync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class RenewingAccessTokensTest {

    final SettableClock clock = new SettableClock(Instant.parse("2026-02-24T10:00:00Z"));
    final AtomicInteger grants = new AtomicInteger();

    Token issue(Token current) {
        int n = grants.incrementAndGet();
        return new Token("access-" + n, "Bearer", clock.instant().plus(Duration.ofHours(1)), "refresh-" + n, Set.of());
    }

    @Test
    void aTokenIsReusedUntilAMinuteBeforeItExpiresThenRenewed() {
        RenewingAccessTokens tokens = new RenewingAccessTokens(this::issue, clock, Duration.ofSeconds(60), null);

        assertThat(tokens.accessToken()).isEqualTo("access-1");
        clock.advance(Duration.ofMinutes(58).plusSeconds(59));
        assertThat(tokens.accessToken()).isEqualTo("access-1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.accessToken()).as("renewed 60 s early").isEqualTo("access-2");
        assertThat(grants).hasValue(2);
    }

    @Test
    void manyThreadsNeedingANewTokenCauseOneRenewal() throws Exception {
        CountDownLatch renewing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RenewingAccessTokens tokens = new RenewingAccessTokens(current -> {
            renewing.countDown();
            await(release);
            return issue(current);
        }, clock, Duration.ofSeconds(60), null);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(tokens::accessToken));
            }
            assertThat(renewing.await(10, TimeUnit.SECONDS)).isTrue();
            release.countDown();
            Set<String> seen = ConcurrentHashMap.newKeySet();
            for (Future<String> result : results) {
                seen.add(result.get(10, TimeUnit.SECONDS));
            }
            assertThat(seen).containsExactly("access-1");
            assertThat(grants).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyRotatedRefreshTokenIsSavedBeforeUseAndTheNextRefreshUsesIt() {
        List<Token> saved = new ArrayList<>();
        List<String> refreshedWith = new ArrayList<>();
        Token initial = new Token("access-0", "Bearer", clock.instant().plusSeconds(3600), "refresh-0", Set.of());
        TokenStore store = TokenStore.inMemory(initial, saved::add);
        RenewingAccessTokens tokens = new RenewingAccessTokens(current -> {
            refreshedWith.add(current.refreshToken());
            return issue(current);
        }, clock, Duration.ofSeconds(60), store);

        assertThat(tokens.accessToken()).as("the stored token while it is valid").isEqualTo("access-0");
        clock.advance(Duration.ofMinutes(59).plusSeconds(30));
        assertThat(tokens.accessToken()).isEqualTo("access-1");
        clock.advance(Duration.ofMinutes(59).plusSeconds(30));
        assertThat(tokens.accessToken()).isEqualTo("access-2");

        assertThat(refreshedWith).containsExactly("refresh-0", "refresh-1");
        assertThat(saved).extracting(Token::refreshToken).containsExactly("refresh-1", "refresh-2");
        assertThat(store.load()).get().extracting(Token::refreshToken).isEqualTo("refresh-2");
    }

    /**
     * A rotated refresh token the store failed to save is saved again before its access token is used: the old
     * one is spent, and a restart refreshing with it would end the grant. (It was kept in memory only, and used.)
     */
    @Test
    void aTokenTheStoreFailedToSaveIsSavedBeforeItIsUsed() {
        Token initial = new Token("access-0", "Bearer", clock.instant().plusSeconds(30), "refresh-0", Set.of());
        TokenStore memory = TokenStore.inMemory(initial);
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        TokenStore store = new TokenStore() {
            @Override
            public java.util.Optional<Token> load() {
                return memory.load();
            }

            @Override
            public void save(Token token) {
                if (down.get()) {
                    throw new IllegalStateException("the token database is unreachable");
                }
                memory.save(token);
            }
        };
        List<String> refreshedWith = new ArrayList<>();
        RenewingAccessTokens tokens = new RenewingAccessTokens(current -> {
            refreshedWith.add(current.refreshToken());
            return issue(current);
        }, clock, Duration.ofSeconds(60), store);

        assertThatThrownBy(tokens::accessToken).hasMessageContaining("unreachable");
        assertThatThrownBy(tokens::accessToken).as("not used while unsaved").hasMessageContaining("unreachable");
        down.set(false);
        assertThat(tokens.accessToken()).isEqualTo("access-1");
        assertThat(memory.load()).get().extracting(Token::refreshToken).isEqualTo("refresh-1");
        assertThat(refreshedWith).as("refreshed once: the spent token never again").containsExactly("refresh-0");
    }

    @Test
    void aRotationByAnotherProcessSharingTheStoreIsPickedUp() {
        Token initial = new Token("access-0", "Bearer", clock.instant().plusSeconds(3600), "refresh-0", Set.of());
        TokenStore store = TokenStore.inMemory(initial);
        List<String> refreshedWith = new ArrayList<>();
        RenewingAccessTokens tokens = new RenewingAccessTokens(current -> {
            refreshedWith.add(current.refreshToken());
            return issue(current);
        }, clock, Duration.ofSeconds(60), store);
        assertThat(tokens.accessToken()).isEqualTo("access-0");

        clock.advance(Duration.ofMinutes(59).plusSeconds(30));
        store.save(new Token("access-other", "Bearer", clock.instant().plusSeconds(3600), "refresh-other", Set.of()));
        assertThat(tokens.accessToken()).isEqualTo("access-other");
        clock.advance(Duration.ofMinutes(59).plusSeconds(30));
        tokens.accessToken();
        assertThat(refreshedWith).containsExactly("refresh-other");
    }

    @Test
    void aRefreshAnswerWithoutARefreshTokenKeepsTheCurrentOne() {
        Token initial = new Token("access-0", "Bearer", clock.instant().minusSeconds(1), "refresh-0", Set.of());
        TokenStore store = TokenStore.inMemory(initial);
        RenewingAccessTokens tokens = new RenewingAccessTokens(
                current -> new Token("access-1", "Bearer", clock.instant().plusSeconds(3600), null, Set.of()),
                clock, Duration.ofSeconds(60), store);

        assertThat(tokens.accessToken()).isEqualTo("access-1");
        assertThat(store.load()).get().extracting(Token::refreshToken).isEqualTo("refresh-0");
    }

    @Test
    void whenEarlyRenewalFailsTheStillValidTokenIsUsedAndAnExpiredOneIsNot() {
        AtomicInteger calls = new AtomicInteger();
        RenewingAccessTokens tokens = new RenewingAccessTokens(current -> {
            if (calls.incrementAndGet() > 1) {
                throw new TransportException("down", null);
            }
            return issue(current);
        }, clock, Duration.ofSeconds(60), null);
        assertThat(tokens.accessToken()).isEqualTo("access-1");

        clock.advance(Duration.ofMinutes(59).plusSeconds(30));
        assertThat(tokens.accessToken()).as("30 s left: still usable").isEqualTo("access-1");
        clock.advance(Duration.ofSeconds(31));
        assertThatThrownBy(tokens::accessToken).isInstanceOf(TransportException.class);
    }

    @Test
    void aRejectedTokenIsReplacedAtTheNextCallButOnlyIfItIsStillTheCurrentOne() {
        RenewingAccessTokens tokens = new RenewingAccessTokens(this::issue, clock, Duration.ofSeconds(60), null);
        assertThat(tokens.accessToken()).isEqualTo("access-1");

        tokens.rejected("access-1");
        assertThat(tokens.accessToken()).isEqualTo("access-2");
        tokens.rejected("access-1");
        assertThat(tokens.accessToken()).as("a late report about an old token changes nothing").isEqualTo("access-2");
    }

    @Test
    void aTokensStringNeverShowsTheSecrets() {
        Token token = new Token("eyJsecret", "Bearer", clock.instant(), "refresh-secret", Set.of("read:notes"));
        assertThat(token.toString()).doesNotContain("eyJsecret").doesNotContain("refresh-secret").contains("read:notes");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
