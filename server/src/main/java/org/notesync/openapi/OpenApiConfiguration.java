package org.notesync.openapi;

import java.util.List;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.OAuthFlow;
import io.swagger.v3.oas.models.security.OAuthFlows;
import io.swagger.v3.oas.models.security.Scopes;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.notesync.identity.Viewer;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.MultiValueMap;

/**
 * The OpenAPI document served at {@code /v3/api-docs} (Swagger UI at {@code /swagger-ui.html}), with
 * the OAuth 2 flows the authorization server offers. OpenAPI has no device-code flow; its endpoint is
 * named in the description. Request bodies and query parameters come from {@link OperationDescriptions}.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String SCHEME = "oauth2";

    static {
        // The caller (resolved from the token) and a collection's query string as a map are not parameters
        // a client sends; OperationDescriptions describes the query parameters instead.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Viewer.class, MultiValueMap.class);
    }

    @Bean
    OpenApiCustomizer notesyncRequests() {
        return new OperationDescriptions();
    }

    @Bean
    OpenAPI notesyncOpenApi() {
        Scopes scopes = new Scopes();
        for (String scope : List.of("profile", "organization", "read:notes", "write:notes", "read:patients",
                "write:patients", "read:audios", "write:audios", "read:webhooks", "write:webhooks", "admin")) {
            scopes.addString(scope, describe(scope));
        }
        OAuthFlows flows = new OAuthFlows()
                .clientCredentials(new OAuthFlow().tokenUrl("/oauth2/token").scopes(scopes))
                .authorizationCode(new OAuthFlow().authorizationUrl("/oauth2/authorize").tokenUrl("/oauth2/token")
                        .refreshUrl("/oauth2/token").scopes(scopes));
        return new OpenAPI()
                .info(new Info().title("notesync API").version("0.1.0").description("""
                        Clinical notes for practice-management systems: pushed by signed webhooks, or pulled by \
                        polling. Compatible with the note-synchronization guide (API Platform conventions: \
                        JSON-LD/Hydra collections, problem documents). OAuth 2 grants: client_credentials, \
                        authorization_code with PKCE, refresh_token (rotated), and the device code grant \
                        (POST /oauth2/device_authorization, then poll /oauth2/token)."""))
                .components(new Components().addSecuritySchemes(SCHEME,
                        new SecurityScheme().type(SecurityScheme.Type.OAUTH2).flows(flows)))
                .addSecurityItem(new SecurityRequirement().addList(SCHEME));
    }

    private static String describe(String scope) {
        return switch (scope) {
            case "profile" -> "Read the caller's profile (GET /me)";
            case "organization" -> "Read the caller's organization";
            case "admin" -> "Operate the platform: organizations, users, OAuth 2 clients";
            default -> {
                String[] parts = scope.split(":");
                yield (parts[0].equals("read") ? "Read " : "Create and change ") + parts[1];
            }
        };
    }
}
