package org.notesync.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.core.util.Yaml31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.notesync.web.IdempotencyKeys;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.core.io.ClassPathResource;

/**
 * Merges {@value #RESOURCE} into the document springdoc derives from the controllers: its summaries, its
 * schemas and parameters into the components, its query parameters in place of an operation's derived ones (path
 * parameters are kept), its request body's schema under each media type the operation consumes, and for
 * its {@code x-response} the success answer: the record's schema (derived by swagger-core, as springdoc
 * derives any), wrapped in JSON-LD for {@code application/ld+json}, or no body for a 204; and to every
 * operation but the HTML pages, a problem document for 4XX and 5XX. Written by hand because the
 * controllers read bodies as JSON trees, query strings as maps, and answer both media types from one
 * method returning {@code Object}, which no annotation describes; an operation or a record in the file
 * that the API lacks stops the document from being built.
 */
final class OperationDescriptions implements OpenApiCustomizer {

    static final String RESOURCE = "openapi/operations.yaml";
    private static final String RESPONSE = "x-response";
    private static final String LD_JSON = "application/ld+json";
    private static final String JSON = "application/json";
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String SCHEMAS = "#/components/schemas/";

    private static final String IDEMPOTENCY_KEY = "#/components/parameters/idempotencyKey";
    private static final Set<String> RESPONSE_KEYS = Set.of("status", "item", "collection");

    OperationDescriptions() {
        read(); // a broken file stops the server at start, not at the first request for the document
    }

    /** The file, read afresh for each document built, so that no document shares its objects with another. */
    private static OpenAPI read() {
        try (InputStream in = new ClassPathResource(RESOURCE).getInputStream()) {
            return Yaml31.mapper().readValue(in, OpenAPI.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }

    @Override
    public void customise(OpenAPI api) {
        OpenAPI described = read();
        if (api.getComponents() == null) {
            api.setComponents(new Components());
        }
        Components components = api.getComponents();
        described.getComponents().getSchemas().forEach(components::addSchemas);
        described.getComponents().getParameters().forEach(components::addParameters);
        described.getPaths().forEach((path, item) -> {
            PathItem derived = api.getPaths() == null ? null : api.getPaths().get(path);
            if (derived == null) {
                throw new IllegalStateException(RESOURCE + " describes " + path + ", which the API does not serve");
            }
            item.readOperationsMap().forEach((method, description) -> {
                Operation operation = derived.readOperationsMap().get(method);
                if (operation == null) {
                    throw new IllegalStateException(RESOURCE + " describes " + method + " " + path
                            + ", which the API does not serve");
                }
                merge(operation, description);
                if (description.getExtensions() != null && description.getExtensions().get(RESPONSE) != null) {
                    respond(operation, (Map<?, ?>) description.getExtensions().get(RESPONSE), components, path);
                }
            });
        });
        if (described.getWebhooks() != null) {
            described.getWebhooks().forEach(api::addWebhooks);
        }
        problems(api);
        dropUnreferencedSchemas(api);
    }

    /**
     * The success answer {@code x-response} describes, under each media type the operation produces (an
     * operation that declares none answers both, as {@code Representations} chooses by Accept).
     */
    private static void respond(Operation operation, Map<?, ?> response, Components components, String path) {
        String status = String.valueOf(response.containsKey("status") ? response.get("status") : 200);
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        operation.setResponses(responses);
        boolean body = response.containsKey("item") != response.containsKey("collection") && !status.equals("204");
        boolean empty = response.keySet().equals(Set.of("status")) && status.equals("204");
        if (!RESPONSE_KEYS.containsAll(response.keySet()) || !body && !empty) {
            throw new IllegalStateException(RESOURCE + ": " + path + " has x-response " + response
                    + "; it takes item or collection, with an optional status, or status 204 alone");
        }
        if (empty) {
            responses.remove("200");
            responses.addApiResponse(status, new ApiResponse().description("No Content"));
            return;
        }
        boolean collection = response.containsKey("collection");
        String type = String.valueOf(response.get(collection ? "collection" : "item"));
        String name;
        try {
            Class<?> record = Class.forName(type);
            ModelConverters converters = ModelConverters.getInstance(true);
            converters.readAll(record).forEach((schemaName, schema) -> {
                nullableReferences(schema);
                Schema<?> existing = components.getSchemas() == null ? null : components.getSchemas().get(schemaName);
                if (existing != null && !existing.equals(schema)) {
                    throw new IllegalStateException(RESOURCE + ": two schemas are named " + schemaName);
                }
                components.addSchemas(schemaName, schema);
            });
            name = converters.read(record).keySet().iterator().next();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(RESOURCE + " answers " + path + " with " + type + ", which is no class", e);
        }
        ApiResponse derived = responses.get("200");
        Set<String> produced = new LinkedHashSet<>();
        if (derived != null && derived.getContent() != null) {
            produced.addAll(derived.getContent().keySet());
        }
        if (produced.isEmpty() || produced.remove("*/*")) {
            produced.addAll(List.of(LD_JSON, JSON));
        }
        Content content = new Content();
        for (String media : produced) {
            String schema;
            if (media.equals(LD_JSON)) {
                schema = collection
                        ? allOf(ref("HydraCollection"), "{\"type\": \"object\", \"properties\": {\"member\": "
                                + array(allOf(ref("JsonLdMember"), ref(name))) + "}}")
                        : allOf(ref("JsonLdItem"), ref(name));
            } else {
                schema = collection ? array(ref(name)) : ref(name);
            }
            content.addMediaType(media, new MediaType().schema(schema(schema)));
        }
        responses.remove("200");
        ApiResponse answer = new ApiResponse().description(switch (status) {
            case "201" -> "Created";
            case "202" -> "Accepted";
            default -> "OK";
        }).content(content);
        if (status.equals("201")) {
            answer.addHeaderObject("Location", new Header().description("The created resource's IRI")
                    .schema(new StringSchema().format("uri-reference")));
            boolean keyed = operation.getParameters() != null && operation.getParameters().stream()
                    .anyMatch(p -> IDEMPOTENCY_KEY.equals(p.get$ref()));
            if (keyed) {
                answer.addHeaderObject(IdempotencyKeys.HEADER, new Header()
                        .description("The Idempotency-Key the request was sent with, echoed: this server honours keys")
                        .schema(new StringSchema()));
                answer.addHeaderObject(IdempotencyKeys.REPLAYED, new Header()
                        .description("true on an answer that repeats what an earlier request with the same key "
                                + "created (nothing was created by this one)")
                        .schema(new StringSchema()._enum(List.of("true"))));
            }
        }
        responses.addApiResponse(status, answer);
    }

    /**
     * A reference that may be null ({@code @Schema(types = {"object", "null"})} on a record component) as
     * {@code anyOf: [{$ref}, {type: null}]}: beside a {@code $ref}, swagger-core's type array would still
     * leave the value bound by the referenced object's own type.
     */
    private static void nullableReferences(Schema<?> schema) {
        if (schema.getProperties() == null) {
            return;
        }
        schema.getProperties().replaceAll((name, property) -> property.get$ref() != null
                && property.getTypes() != null && property.getTypes().contains("null")
                ? new Schema<>().anyOf(List.of(new Schema<>().$ref(property.get$ref()),
                        new Schema<>().types(Set.of("null")))).description(property.getDescription())
                : property);
    }

    /** Every operation but the HTML pages answers errors with a problem document (ProblemHandler and the security layer). */
    private static void problems(OpenAPI api) {
        Schema<?> problem = schema(ref("Problem"));
        api.getPaths().values().forEach(item -> item.readOperations().forEach(operation -> {
            ApiResponses responses = operation.getResponses();
            boolean page = responses != null && responses.values().stream()
                    .anyMatch(r -> r.getContent() != null && r.getContent().containsKey("text/html"));
            if (responses != null && !page) {
                for (String range : List.of("4XX", "5XX")) {
                    responses.addApiResponse(range, new ApiResponse()
                            .description(range.startsWith("4") ? "The request is wrong: the problem says what"
                                    : "A fault of the server")
                            .content(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(problem))));
                }
            }
        }));
    }

    // Schemas written as JSON and read as the document's own file is, so that they come out as OpenAPI 3.1.

    private static String ref(String component) {
        return "{\"$ref\": \"" + SCHEMAS + component + "\"}";
    }

    private static String allOf(String... parts) {
        return "{\"allOf\": [" + String.join(", ", parts) + "]}";
    }

    private static String array(String items) {
        return "{\"type\": \"array\", \"items\": " + items + "}";
    }

    private static Schema<?> schema(String json) {
        try {
            return Json31.mapper().readValue(json, Schema.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(json, e);
        }
    }

    /** What springdoc made of the JSON trees and maps it saw in the signatures, referenced by nothing now. */
    private static void dropUnreferencedSchemas(OpenAPI api) {
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        boolean dropped = schemas != null;
        while (dropped) {
            String document;
            try {
                document = Json31.mapper().writeValueAsString(api);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot write the OpenAPI document", e);
            }
            dropped = schemas.keySet().removeIf(name -> !document.contains("\"" + SCHEMAS + name + "\""));
        }
    }

    private static void merge(Operation operation, Operation description) {
        if (description.getSummary() != null) {
            operation.setSummary(description.getSummary());
        }
        if (description.getParameters() != null) {
            List<Parameter> parameters = new ArrayList<>();
            if (operation.getParameters() != null) {
                operation.getParameters().stream().filter(p -> "path".equals(p.getIn())).forEach(parameters::add);
            }
            parameters.addAll(description.getParameters());
            operation.setParameters(parameters);
        }
        RequestBody body = description.getRequestBody();
        if (body != null) {
            Map.Entry<String, MediaType> given = body.getContent().entrySet().iterator().next();
            Schema<?> schema = given.getValue().getSchema();
            Set<String> consumed = operation.getRequestBody() == null || operation.getRequestBody().getContent() == null
                    ? Set.of(given.getKey()) : operation.getRequestBody().getContent().keySet();
            Content content = new Content();
            consumed.forEach(type -> content.addMediaType(type, new MediaType().schema(schema)));
            operation.setRequestBody(new RequestBody().required(body.getRequired()).description(body.getDescription())
                    .content(content));
        }
    }
}
