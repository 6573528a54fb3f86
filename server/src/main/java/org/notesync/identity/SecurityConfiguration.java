package org.notesync.identity;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import javax.sql.DataSource;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.notesync.NotesyncProperties;
import org.notesync.StartupMistake;
import org.notesync.web.FirewallRejections;
import org.notesync.web.Problems;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationConsentAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceAuthorizationConsentAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceCodeAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceVerificationAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Three filter chains: Spring Security's authorization server (token, authorize, device, discovery,
 * JWKS), the clinician's login and device activation pages, and the API, where every endpoint needs a
 * bearer token with the endpoint's scope.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String DEVICE_ACTIVATION_PAGE = "/activate";

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServerChain(HttpSecurity http, RegisteredClientRepository clients,
            AuthorizationServerSettings settings, Accounts accounts, OAuth2AuthorizationService authorizations,
            Clock clock, JsonMapper json, RevokedTokens revokedTokens, JWKSet signingKeys, DataSource dataSource,
            JdbcClient jdbc, PlatformTransactionManager transactions) throws Exception {
        OAuth2AuthorizationServerConfigurer authorizationServer = new OAuth2AuthorizationServerConfigurer();
        SingleUseGrants singleUse = new SingleUseGrants(dataSource, jdbc, transactions, authorizations,
                revokedTokens, clock);
        JwtDecoder signed = NimbusJwtDecoder.withPublicKey(((RSAKey) signingKeys.getKeys().get(0)).toRSAPublicKey())
                .build();
        // Only a browser asking for HTML is sent to the login page; a client without Accept gets a 401.
        MediaTypeRequestMatcher browser = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
        browser.setIgnoredMediaTypes(Set.of(MediaType.ALL));
        http.securityMatcher(authorizationServer.getEndpointsMatcher())
                .with(authorizationServer, as -> as
                        .authorizationServerMetadataEndpoint(metadata -> metadata
                                .authorizationServerMetadataCustomizer(new ServerMetadata()))
                        .clientAuthentication(c -> c
                                .authenticationConverter(new PublicDeviceClients.Converter(settings))
                                .authenticationProvider(new PublicDeviceClients.Provider(clients))
                                .errorResponseHandler(new ClientAuthenticationErrors()))
                        .authorizationEndpoint(authorize -> authorize.consentPage(ConsentPage.PATH)
                                // As on the device flow's consent (below): a Cancel refuses even the scopes
                                // approved before, which Spring would otherwise put in the code.
                                .authenticationProviders(providers -> providers.forEach(provider -> {
                                    if (provider instanceof OAuth2AuthorizationConsentAuthenticationProvider consent) {
                                        consent.setAuthorizationConsentCustomizer(ConsentPage.refusedOnCancel());
                                    }
                                }))
                                .errorResponseHandler(new AuthorizationRequestErrors(json, clients)))
                        .tokenEndpoint(token -> token.authenticationProviders(providers -> providers.replaceAll(
                                provider -> singleUse.around(provider instanceof OAuth2DeviceCodeAuthenticationProvider
                                        ? new DeviceCodePolls(provider, authorizations, clock,
                                                Duration.ofSeconds(DeviceAuthorizationResponse.POLLING_INTERVAL))
                                        : provider instanceof OAuth2RefreshTokenAuthenticationProvider
                                                ? new BoundRefreshTokens(provider, authorizations)
                                        : provider)))
                                .accessTokenResponseHandler(new AccessTokenResponse())
                                .errorResponseHandler(SingleUseGrants.errorResponse()))
                        .tokenRevocationEndpoint(revocation -> revocation
                                .authenticationProviders(providers -> providers.replaceAll(singleUse::around))
                                .revocationResponseHandler(revokedTokens.revocationResponse(authorizations, signed))
                                .errorResponseHandler(SingleUseGrants.errorResponse()))
                        .tokenIntrospectionEndpoint(introspection -> introspection
                                .introspectionResponseHandler(new OrganizationIntrospection(accounts, authorizations)))
                        .deviceAuthorizationEndpoint(device -> device.verificationUri(DEVICE_ACTIVATION_PAGE)
                                .deviceAuthorizationResponseHandler(new DeviceAuthorizationResponse()))
                        .deviceVerificationEndpoint(device -> device.consentPage(ConsentPage.PATH)
                                // A link to the verification endpoint, sent by whoever started the flow, would
                                // otherwise activate their device code at once for a clinician who consented to
                                // that client before (RFC 8628, 5.4): the consent page is shown every time.
                                // (One consumer: a second call would replace the first.)
                                .authenticationProviders(providers -> providers.replaceAll(provider -> {
                                    if (provider instanceof OAuth2DeviceVerificationAuthenticationProvider verification) {
                                        verification.setAuthorizationConsentRequired(context -> true);
                                        // Another organization's code is refused on the page, not at the token.
                                        return new DeviceOrganizations(verification, authorizations, accounts);
                                    }
                                    // Spring adds the scopes approved before to those submitted, so a Cancel
                                    // (which submits none) would approve them: the page marks it, and it grants
                                    // nothing, which denies the code.
                                    if (provider instanceof OAuth2DeviceAuthorizationConsentAuthenticationProvider consent) {
                                        consent.setAuthorizationConsentCustomizer(ConsentPage.refusedOnCancel());
                                    }
                                    return provider;
                                }))
                                .deviceVerificationResponseHandler(new DeviceActivatedPage())
                                .errorResponseHandler(new DeviceNotActivatedPage())))
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .csrf(csrf -> csrf.ignoringRequestMatchers(authorizationServer.getEndpointsMatcher()))
                .exceptionHandling(e -> e
                        .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"), browser)
                        .defaultAuthenticationEntryPointFor(new InvalidClientEntryPoint(Set.of(
                                settings.getAuthorizationEndpoint(), settings.getDeviceVerificationEndpoint()), json), AnyRequestMatcher.INSTANCE));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain loginChain(HttpSecurity http, JsonMapper json, UserDetailsService clinicians,
            PasswordEncoder passwords, JdbcClient jdbc, Clock clock) throws Exception {
        DaoAuthenticationProvider checkPassword = new DaoAuthenticationProvider(clinicians);
        checkPassword.setPasswordEncoder(passwords);
        http.securityMatcher("/login", "/logout", DEVICE_ACTIVATION_PAGE, ConsentPage.PATH, "/default-ui.css")
                .authorizeHttpRequests(a -> a.requestMatchers("/login", "/default-ui.css").permitAll()
                        .anyRequest().authenticated())
                .authenticationManager(new ProviderManager(new SignInAttempts(checkPassword, jdbc, clock)))
                .addFilterBefore(new LoginFormBody(json), UsernamePasswordAuthenticationFilter.class)
                // The handler set after the configurer's own, so that the login page still knows /login?error.
                .formLogin(form -> form.withObjectPostProcessor(new ObjectPostProcessor<UsernamePasswordAuthenticationFilter>() {
                    @Override
                    public <O extends UsernamePasswordAuthenticationFilter> O postProcess(O filter) {
                        filter.setAuthenticationFailureHandler(SignInAttempts.failurePage());
                        return filter;
                    }
                }))
                .logout(logout -> { })
                // A form posted without its CSRF token (a page kept open past its session, cookies refused) was
                // answered "Forbidden." and nothing more.
                .exceptionHandling(e -> e.accessDeniedHandler((request, response, denied) -> Problems.write(response,
                        json, Problems.of(HttpStatus.FORBIDDEN, "Forbidden", denied instanceof CsrfException
                                ? "The form's CSRF token is missing or no longer valid (the page was open longer than "
                                        + "its session, or cookies are refused): open the page again and resubmit it."
                                : "Access to this page was denied.", request.getRequestURI()))));
        return http.build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain apiChain(HttpSecurity http, ProblemSecurityHandlers problems, NotesyncProperties properties)
            throws Exception {
        http.authorizeHttpRequests(a -> {
                    a.requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info",
                            "/actuator/prometheus", "/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml",
                            "/swagger-ui.html", "/swagger-ui/**", "/contexts/*", "/error").permitAll();
                    // Discovery documents are public: one this server does not publish (an OpenID Connect client
                    // probing /.well-known/openid-configuration) is a 404, not a request for a token.
                    a.requestMatchers("/.well-known/**").permitAll();
                    ScopeRules.RULES.forEach(rule -> a.requestMatchers(rule.matcher())
                            .hasAnyAuthority(rule.scopes().stream().map(SecurityConfiguration::scope)
                                    .toArray(String[]::new)));
                    a.anyRequest().authenticated();
                })
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .requestCache(cache -> cache.disable())
                .oauth2ResourceServer(rs -> rs.jwt(jwt -> { })
                        .protectedResourceMetadata(metadata -> metadata.protectedResourceMetadataCustomizer(
                                new ResourceMetadata(properties.issuer())))
                        .bearerTokenResolver(new HeaderBearerTokenResolver())
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems));
        DefaultSecurityFilterChain chain = http.build();
        // The DPoP scheme's filter (Spring's own configurer, not open to configuration in this version): its
        // failures get a problem document as the Bearer scheme's do.
        chain.getFilters().stream().filter(filter -> filter.getClass() == AuthenticationFilter.class)
                .map(AuthenticationFilter.class::cast)
                .forEach(dpop -> dpop.setFailureHandler(problems.dpop(dpop.getFailureHandler())));
        return chain;
    }

    static String scope(String scope) {
        return "SCOPE_" + scope;
    }

    /**
     * The default firewall, its character rule checked without a regular expression (see HeaderText), its
     * refusals answered with a problem document naming the rule (FirewallRejections).
     */
    @Bean
    WebSecurityCustomizer httpFirewall(JsonMapper json) {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(HeaderText::isAllowed);
        firewall.setAllowedHeaderValues(HeaderText::isAllowed);
        firewall.setAllowedParameterNames(HeaderText::isAllowed);
        return web -> web.httpFirewall(firewall).requestRejectedHandler(new FirewallRejections(json));
    }

    @Bean
    ProblemSecurityHandlers problemSecurityHandlers(JsonMapper json) {
        return new ProblemSecurityHandlers(json);
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService clinicians(Accounts accounts) {
        return email -> accounts.userByEmail(email)
                .map(u -> User.withUsername(u.email()).password(u.passwordHash()).roles("CLINICIAN").build())
                .orElseThrow(() -> new UsernameNotFoundException("unknown user"));
    }

    @Bean
    RegisteredClientRepository registeredClientRepository(JdbcTemplate jdbc) {
        return new JdbcRegisteredClientRepository(jdbc);
    }

    @Bean
    OAuth2AuthorizationService authorizationService(JdbcTemplate jdbc, RegisteredClientRepository clients) {
        return new JdbcOAuth2AuthorizationService(jdbc, clients);
    }

    @Bean
    OAuth2AuthorizationConsentService authorizationConsentService(JdbcTemplate jdbc,
            RegisteredClientRepository clients) {
        return new JdbcOAuth2AuthorizationConsentService(jdbc, clients);
    }

    @Bean
    JWKSet signingKeys(JdbcClient jdbc, SecretBox secrets, Clock clock) {
        return SigningKeys.load(jdbc, secrets, clock);
    }

    @Bean
    JWKSource<SecurityContext> jwkSource(JWKSet signingKeys) {
        return new ImmutableJWKSet<>(signingKeys);
    }

    @Bean
    JwtDecoder jwtDecoder(JWKSet signingKeys, NotesyncProperties properties, ActiveClients activeClients,
            RevokedTokens revokedTokens) throws JOSEException {
        NimbusJwtDecoder decoder = NimbusJwtDecoder
                .withPublicKey(((RSAKey) signingKeys.getKeys().get(0)).toRSAPublicKey()).build();
        OAuth2TokenValidator<Jwt> standard = properties.issuer() != null && !properties.issuer().isBlank()
                ? JwtValidators.createDefaultWithIssuer(properties.issuer())
                : JwtValidators.createDefault();
        // A revoked client's tokens, and revoked tokens, stop working before they expire.
        OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(standard, activeClients,
                revokedTokens);
        decoder.setJwtValidator(validator);
        return new VerifiedTokens(decoder, validator);
    }

    /**
     * No observation per security filter: they cost about a tenth of an API request's CPU (bench profile).
     * Requests are still timed, by the HTTP server metrics.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(NotesyncProperties properties) {
        AuthorizationServerSettings.Builder settings = AuthorizationServerSettings.builder();
        if (properties.issuer() != null && !properties.issuer().isBlank()) {
            settings.issuer(issuer(properties.issuer()));
        } else if (properties.production()) {
            // Derived from each request's Host header, the issuer and the endpoints the discovery document
            // advertises would be whatever a caller claims: a client following them could be sent elsewhere.
            throw new StartupMistake("NOTESYNC_ISSUER must be set in production mode: the public base URL "
                    + "of the server (https://notes.example.com), which issues and checks its tokens.");
        }
        return settings.build();
    }

    /**
     * An absolute http(s) URL without query or fragment, as RFC 8414 has an issuer; Spring's own check failed
     * deep in building its filter chain, a stack trace of 90 lines.
     */
    static String issuer(String issuer) {
        URI uri;
        try {
            uri = new URI(issuer);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new StartupMistake("NOTESYNC_ISSUER (" + issuer + ") must be the public base URL of the server, "
                    + "with its scheme and without a query or fragment, such as https://notes.example.com");
        }
        return issuer;
    }

    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> tokenClaims(Accounts accounts) {
        return new TokenClaims(accounts);
    }

    @Bean
    FilterRegistrationBean<TokenRequestFilter> tokenRequestFilter(JsonMapper json) {
        FilterRegistrationBean<TokenRequestFilter> registration =
                new FilterRegistrationBean<>(new TokenRequestFilter(json));
        registration.addUrlPatterns(TokenRequestFilter.PATHS);
        registration.setOrder(-150); // before Spring Security's chain (-100)
        return registration;
    }

    /**
     * The authorization server's JSON documents in UTF-8, as RFC 8259 has JSON: Spring writes the key set and the
     * metadata through a writer, and Tomcat labelled them ISO-8859-1, its default for one.
     */
    @Bean
    FilterRegistrationBean<jakarta.servlet.Filter> utf8Discovery(AuthorizationServerSettings settings) {
        FilterRegistrationBean<jakarta.servlet.Filter> registration = new FilterRegistrationBean<>(
                (request, response, chain) -> {
                    response.setCharacterEncoding(java.nio.charset.StandardCharsets.UTF_8.name());
                    chain.doFilter(request, response);
                });
        registration.addUrlPatterns(settings.getJwkSetEndpoint(), "/.well-known/*");
        registration.setOrder(-170);
        return registration;
    }

    @Bean
    FilterRegistrationBean<NulParameters> nulParameters(AuthorizationServerSettings settings, JsonMapper json) {
        FilterRegistrationBean<NulParameters> registration = new FilterRegistrationBean<>(new NulParameters(json));
        registration.addUrlPatterns(settings.getAuthorizationEndpoint(), settings.getDeviceVerificationEndpoint(),
                "/login", DEVICE_ACTIVATION_PAGE, ConsentPage.PATH);
        registration.setOrder(-160); // before the authorization endpoint's other filters and Spring Security's chain
        return registration;
    }

    @Bean
    FilterRegistrationBean<ClientsWithoutRedirects> clientsWithoutRedirects(RegisteredClientRepository clients,
            AuthorizationServerSettings settings, JsonMapper json) {
        FilterRegistrationBean<ClientsWithoutRedirects> registration =
                new FilterRegistrationBean<>(new ClientsWithoutRedirects(clients, json));
        registration.addUrlPatterns(settings.getAuthorizationEndpoint());
        registration.setOrder(-155); // after the methods' filter, before Spring Security's chain (-100)
        return registration;
    }

    @Bean
    FilterRegistrationBean<AuthorizationEndpointMethods> authorizationEndpointMethods(
            AuthorizationServerSettings settings, JsonMapper json) {
        AuthorizationEndpointMethods filter = new AuthorizationEndpointMethods(settings, json);
        FilterRegistrationBean<AuthorizationEndpointMethods> registration = new FilterRegistrationBean<>(filter);
        registration.addUrlPatterns(filter.paths());
        registration.setOrder(-160); // before the token request filter and Spring Security's chain (-100)
        return registration;
    }

    @Bean
    WebMvcConfigurer viewerArgument() {
        return new WebMvcConfigurer() {
            @Override
            public void addArgumentResolvers(java.util.List<HandlerMethodArgumentResolver> resolvers) {
                resolvers.add(new ViewerResolver());
            }
        };
    }
}
