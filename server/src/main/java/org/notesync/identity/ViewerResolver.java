package org.notesync.identity;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.springframework.core.MethodParameter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Lets a controller method take a {@link Viewer} built from the access token's claims. */
class ViewerResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Viewer.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
            WebDataBinderFactory binderFactory) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!(authentication instanceof JwtAuthenticationToken token)) {
            throw new IllegalStateException("No bearer token on an endpoint that needs one");
        }
        return viewerOf(token.getToken());
    }

    static Viewer viewerOf(Jwt jwt) {
        String org = jwt.getClaimAsString(TokenClaims.ORGANIZATION);
        String uid = jwt.getClaimAsString(TokenClaims.USER);
        List<String> scopes = jwt.getClaimAsStringList("scope");
        Set<String> scopeSet = scopes == null ? Set.of() : new HashSet<>(scopes);
        return new Viewer(UUID.fromString(org), uid == null ? null : UUID.fromString(uid),
                jwt.getClaimAsString("client_id"), scopeSet);
    }
}
