package org.notesync.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.core.util.Yaml31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.core.io.ClassPathResource;

/**
 * Merges {@value #RESOURCE} into the document springdoc derives from the controllers: its schemas and
 * parameters into the components, its query parameters in place of an operation's derived ones (path
 * parameters are kept), and its request body's schema under each media type the operation consumes.
 * Written by hand because the controllers read bodies as JSON trees and query strings as maps, which
 * no annotation describes; an operation in the file that the API lacks stops the document from being built.
 */
final class OpenApiRequests implements OpenApiCustomizer {

    static final String RESOURCE = "openapi/requests.yaml";

    private final OpenAPI described;

    OpenApiRequests() {
        try (InputStream in = new ClassPathResource(RESOURCE).getInputStream()) {
            described = Yaml31.mapper().readValue(in, OpenAPI.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }

    @Override
    public void customise(OpenAPI api) {
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
            });
        });
        dropUnreferencedSchemas(api);
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
            dropped = schemas.keySet().removeIf(name -> !document.contains("\"#/components/schemas/" + name + "\""));
        }
    }

    private static void merge(Operation operation, Operation description) {
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
