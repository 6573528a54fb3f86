package org.notesync.identity;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.notesync.web.Databases;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * One token request at a time per single-use credential: an authorization code, a refresh token, a device code.
 * Spring's token endpoint reads the credential's authorization, checks that it is still valid, and then writes it
 * back invalidated with the new tokens, with nothing in between that stops a second request for the same
 * credential from reading it valid too: ten parallel requests with one refresh token got up to ten sets of tokens,
 * all of them working (RFC 6749, 4.1.2 and 6, want a code used once and a refresh token replaced). On PostgreSQL
 * each such request runs in one transaction that first takes an advisory lock on the credential, so a second
 * request, on any node, reads it only once the first has committed, and is refused; the answer leaves once the
 * transaction has committed, so no token is sent that was not stored. H2 (one node) takes a lock in this JVM.
 */
final class SingleUseGrants extends OncePerRequestFilter {

    /** The key space of these advisory locks (two-integer keys, apart from the other uses). */
    static final int SPACE = 0x4F_41_55_54; // "OAUT"

    private static final Map<String, String> CREDENTIAL = Map.of(
            AuthorizationGrantType.AUTHORIZATION_CODE.getValue(), OAuth2ParameterNames.CODE,
            AuthorizationGrantType.REFRESH_TOKEN.getValue(), OAuth2ParameterNames.REFRESH_TOKEN,
            AuthorizationGrantType.DEVICE_CODE.getValue(), OAuth2ParameterNames.DEVICE_CODE);

    private final boolean postgres;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final ReentrantLock[] local = new ReentrantLock[64];

    SingleUseGrants(DataSource dataSource, JdbcClient jdbc, PlatformTransactionManager transactions, JsonMapper json) {
        this.postgres = Databases.isPostgres(dataSource);
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
        this.json = json;
        for (int i = 0; i < local.length; i++) {
            local[i] = new ReentrantLock();
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String grant = "POST".equals(request.getMethod()) ? request.getParameter(OAuth2ParameterNames.GRANT_TYPE) : null;
        String name = grant == null ? null : CREDENTIAL.get(grant);
        String credential = name == null ? null : request.getParameter(name);
        if (credential == null || credential.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        int key = key(credential);
        if (!postgres) {
            ReentrantLock lock = local[Math.floorMod(key, local.length)];
            lock.lock();
            try {
                chain.doFilter(request, response);
            } finally {
                lock.unlock();
            }
            return;
        }
        ContentCachingResponseWrapper held = new ContentCachingResponseWrapper(response);
        try {
            transactions.executeWithoutResult(tx -> {
                jdbc.sql("SELECT pg_advisory_xact_lock(:space, :key)").param("space", SPACE).param("key", key)
                        .query().listOfRows();
                try {
                    chain.doFilter(request, held);
                } catch (IOException | ServletException e) {
                    throw new ChainFailed(e);
                }
            });
        } catch (ChainFailed e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw (ServletException) e.getCause();
        } catch (DataAccessException | TransactionException e) {
            // The lock or the commit failed: nothing of this request was stored, and nothing of it was sent.
            held.resetBuffer();
            unavailable(response);
            return;
        }
        held.copyBodyToResponse();
    }

    private void unavailable(HttpServletResponse response) throws IOException {
        response.reset();
        response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
        response.setHeader("Retry-After", "5");
        response.setHeader("Cache-Control", "no-store");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), Map.of("error", "temporarily_unavailable",
                "error_description", "The token could not be issued; try again in a few seconds."));
    }

    static int key(String credential) {
        return (int) Long.parseLong(TokenHashes.of(credential).substring(0, 8), 16);
    }

    private static final class ChainFailed extends RuntimeException {
        ChainFailed(Exception cause) {
            super(cause);
        }
    }
}
