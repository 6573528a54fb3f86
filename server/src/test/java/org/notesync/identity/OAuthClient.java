package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.htmlunit.Page;
import org.notesync.support.Http;
import tools.jackson.databind.JsonNode;

/** What a practice system does against the authorization server: PKCE, token requests, reading a JWT. */
final class OAuthClient {

    static final String REDIRECT_URI = "http://127.0.0.1:9/callback";
    static final String DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";

    private final int port;
    private final Clients.Created client;

    OAuthClient(int port, Clients.Created client) {
        this.port = port;
        this.client = client;
    }

    /** A PKCE pair (RFC 7636, S256). */
    record Pkce(String verifier, String challenge) {
        static Pkce create() {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
                return new Pkce(verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The authorization request a practice system sends the clinician's browser to. */
    String authorizeUrl(String scope, String state, Pkce pkce) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", client.clientId());
        query.put("redirect_uri", REDIRECT_URI);
        query.put("scope", scope);
        query.put("state", state);
        if (pkce != null) {
            query.put("code_challenge", pkce.challenge());
            query.put("code_challenge_method", "S256");
        }
        return "/oauth2/authorize?" + Http.form(query);
    }

    /**
     * A clinician's browser goes through login and consent for this client; returns the authorization
     * code read from the redirect to the client, which is not followed.
     */
    String authorizationCode(String email, String password, String scope, Pkce pkce) {
        String state = UUID.randomUUID().toString();
        try (Browser browser = new Browser(port)) {
            Page page = browser.open(authorizeUrl(scope, state, pkce));
            page = browser.logIn(page, email, password);
            page = browser.approve(page);
            assertThat(page.getWebResponse().getStatusCode()).as(page.getWebResponse().getContentAsString())
                    .isEqualTo(302);
            String location = Browser.location(page);
            assertThat(location).startsWith(REDIRECT_URI + "?");
            Map<String, String> query = query(location);
            assertThat(query).containsEntry("state", state).containsKey("code");
            return query.get("code");
        }
    }

    /** POST /oauth2/token with a form body; a confidential client authenticates with HTTP Basic. */
    Http.Response token(Map<String, String> fields) {
        return token(fields, null);
    }

    /** POST /oauth2/token, with a {@code DPoP} proof header (RFC 9449) when one is given. */
    Http.Response token(Map<String, String> fields, String dpopProof) {
        Map<String, String> form = new LinkedHashMap<>(fields);
        Http http = new Http(port, null);
        HttpRequest.Builder request = http.builder("/oauth2/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (dpopProof != null) {
            request.header("DPoP", dpopProof);
        }
        if (client.clientSecret() == null) {
            form.put("client_id", client.clientId());
        } else {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (enc(client.clientId()) + ":" + enc(client.clientSecret())).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.POST(HttpRequest.BodyPublishers.ofString(Http.form(form))));
    }

    Http.Response exchange(String code, Pkce pkce) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", REDIRECT_URI);
        if (pkce != null) {
            form.put("code_verifier", pkce.verifier());
        }
        return token(form);
    }

    Http.Response refresh(String refreshToken) {
        return token(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    /** POST /oauth2/introspect (RFC 7662) with this client's credentials in the form. */
    Http.Response introspect(String token) {
        return new Http(port, null).raw("POST", "/oauth2/introspect", "application/x-www-form-urlencoded",
                Http.form(Map.of("token", token, "client_id", client.clientId(), "client_secret", client.clientSecret())));
    }

    /** POST /oauth2/revoke (RFC 7009), the client authenticating with its secret in the body. */
    Http.Response revoke(String token) {
        return new Http(port, null).raw("POST", "/oauth2/revoke", "application/x-www-form-urlencoded",
                Http.form(Map.of("token", token, "client_id", client.clientId(), "client_secret", client.clientSecret())));
    }

    Http.Response pollDevice(String deviceCode) {
        return token(Map.of("grant_type", DEVICE_CODE, "device_code", deviceCode));
    }

    /** POST /oauth2/device_authorization, authenticating like the token endpoint does. */
    Http.Response deviceAuthorization(String scope) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("scope", scope);
        Http http = new Http(port, null);
        HttpRequest.Builder request = http.builder("/oauth2/device_authorization")
                .header("Content-Type", "application/x-www-form-urlencoded");
        if (client.clientSecret() == null) {
            form.put("client_id", client.clientId());
        } else {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (enc(client.clientId()) + ":" + enc(client.clientSecret())).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.POST(HttpRequest.BodyPublishers.ofString(Http.form(form))));
    }

    /** A DPoP proof (RFC 9449, 4.2) signed with {@code key}, for a request with that method to that URL. */
    static String dpopProof(ECKey key, String method, String url) {
        try {
            SignedJWT proof = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                    .type(new JOSEObjectType("dpop+jwt")).jwk(key.toPublicJWK()).build(),
                    new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString()).claim("htm", method)
                            .claim("htu", url).issueTime(new java.util.Date()).build());
            proof.sign(new ECDSASigner(key));
            return proof.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new P-256 key for DPoP. */
    static ECKey dpopKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The query parameters of a redirect's Location. */
    static Map<String, String> query(String location) {
        Map<String, String> params = new LinkedHashMap<>();
        String raw = URI.create(location).getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                params.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    /** The claims of a JWT (the signature is the server's business; the API checks it on every call). */
    static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        return Http.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    }

    private static String enc(String s) {
        // RFC 6749 2.3.1: the client id and secret are form-encoded before Basic encoding
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
