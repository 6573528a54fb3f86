package org.notesync.web;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.accept.HeaderContentNegotiationStrategy;
import org.springframework.web.context.request.NativeWebRequest;

/**
 * Reads {@code Accept} without the {@code charset} parameter of JSON types. JSON is UTF-8 (RFC 8259, 8.1)
 * and its media types define no such parameter, yet clients send {@code application/json; charset=...}. Spring
 * matched such a range to an endpoint that declares what it produces and then found no converter for the
 * charset: a 500 for {@code GET /me}. Answered in UTF-8 instead, as every JSON answer is.
 */
final class JsonCharsetIgnored extends HeaderContentNegotiationStrategy {

    @Override
    public List<MediaType> resolveMediaTypes(NativeWebRequest request) throws HttpMediaTypeNotAcceptableException {
        return super.resolveMediaTypes(request).stream().map(JsonCharsetIgnored::withoutCharset).toList();
    }

    static MediaType withoutCharset(MediaType type) {
        boolean json = "json".equals(type.getSubtype()) || type.getSubtype().endsWith("+json");
        if (!json || type.getCharset() == null) {
            return type;
        }
        Map<String, String> parameters = type.getParameters().entrySet().stream()
                .filter(p -> !"charset".equalsIgnoreCase(p.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        return new MediaType(type.getType(), type.getSubtype(), parameters);
    }
}
