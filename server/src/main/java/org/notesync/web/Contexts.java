package org.notesync.web;

import java.util.LinkedHashMap;
import java.util.Map;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import org.notesync.NotesyncProperties;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * {@code GET /contexts/{Type}}: the JSON-LD context every {@code application/ld+json} answer names in its
 * {@code @context}, so that a JSON-LD processor can expand it, as API Platform serves one per resource. The
 * collection terms are Hydra's ({@code member}, {@code totalItems}, {@code view} and its page links, as API
 * Platform writes them without the {@code hydra:} prefix); a resource's own properties are terms of this
 * API's vocabulary ({@code @vocab}). Public, like the OpenAPI document: it says what names mean, nothing
 * of anyone's data. Left out of the OpenAPI document, as API Platform leaves it: it describes the
 * documents' terms, not an operation of the API.
 */
@Hidden
@RestController
class Contexts {

    private static final String HYDRA = "http://www.w3.org/ns/hydra/core#";

    private final String issuer;

    Contexts(NotesyncProperties properties) {
        this.issuer = properties.issuer();
    }

    @GetMapping(path = "/contexts/{type}", produces = {"application/ld+json", "application/json"})
    ResponseEntity<Object> context(@PathVariable String type, HttpServletRequest request) {
        if (!Representations.TYPES.contains(type)) {
            throw ApiException.notFound("Resource type");
        }
        // The server's public URL where it is configured (production), not the request's Host, which anyone sends:
        // a cache in front would keep a context naming someone else's host for every reader.
        String base = issuer != null && !issuer.isBlank() ? issuer.replaceAll("/+$", "")
                : ServletUriComponentsBuilder.fromContextPath(request).toUriString();
        Map<String, Object> terms = new LinkedHashMap<>();
        terms.put("@vocab", base + "/docs.jsonld#");
        terms.put("hydra", HYDRA);
        terms.put("Collection", "hydra:Collection");
        terms.put("PartialCollectionView", "hydra:PartialCollectionView");
        terms.put("member", "hydra:member");
        terms.put("totalItems", "hydra:totalItems");
        terms.put("view", "hydra:view");
        for (String link : new String[] {"first", "last", "previous", "next"}) {
            terms.put(link, Map.of("@id", "hydra:" + link, "@type", "@id"));
        }
        return ResponseEntity.ok().contentType(Representations.LD_JSON).body(Map.of("@context", terms));
    }
}
