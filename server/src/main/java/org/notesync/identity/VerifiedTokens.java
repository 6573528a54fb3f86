package org.notesync.identity;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * Checks an access token's signature once, not on every request: an integration sends the same token for
 * an hour. A token whose exact string was verified before is taken from a bounded map, and only the
 * validators run again (expiry, a revoked client), so nothing that can change is cached. Parsing the JWT
 * and checking its RSA signature was about a tenth of a note creation's CPU (bench profile).
 */
final class VerifiedTokens implements JwtDecoder {

    static final int MAX_TOKENS = 4096;

    private final JwtDecoder verifier;
    private final OAuth2TokenValidator<Jwt> validator;
    private final Map<String, Jwt> verified = new ConcurrentHashMap<>();

    /**
     * @param verifier  checks the signature and runs {@code validator}
     * @param validator the checks that can change while a token is unchanged, run on every request
     */
    VerifiedTokens(JwtDecoder verifier, OAuth2TokenValidator<Jwt> validator) {
        this.verifier = verifier;
        this.validator = validator;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Jwt jwt = verified.get(token);
        if (jwt == null) {
            jwt = verifier.decode(token);
            if (verified.size() >= MAX_TOKENS) {
                verified.clear(); // bounded: at worst every live token is verified once more
            }
            verified.put(token, jwt);
            return jwt;
        }
        OAuth2TokenValidatorResult result = validator.validate(jwt);
        if (result.hasErrors()) {
            verified.remove(token);
            throw new JwtValidationException(result.getErrors().iterator().next().getDescription(),
                    result.getErrors());
        }
        return jwt;
    }
}
