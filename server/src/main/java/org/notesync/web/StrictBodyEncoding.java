package org.notesync.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractJacksonHttpMessageConverter;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * A JSON body must be text of its charset (UTF-8 unless the Content-Type names another). Jackson reads a
 * UTF-8 sequence without checking that it is the shortest one, so {@code C0 AF} came out as {@code /}: bytes
 * that a filter on the text would not see as what they become. Such a body is a 400, as any other that is
 * not UTF-8 already was. The bodies are small (the request size limit holds them), and read once more here;
 * what Jackson then parses is the text this check decoded.
 */
@ControllerAdvice
class StrictBodyEncoding extends RequestBodyAdviceAdapter {

    /** Why a body was refused, for {@link ProblemHandler}. */
    static final class NotItsCharset extends IOException {
        NotItsCharset() {
            super("The request body is not text of its charset.");
        }
    }

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) {
        return AbstractJacksonHttpMessageConverter.class.isAssignableFrom(converterType);
    }

    @Override
    public HttpInputMessage beforeBodyRead(HttpInputMessage input, MethodParameter parameter, Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) throws IOException {
        byte[] body = input.getBody().readAllBytes();
        MediaType type = input.getHeaders().getContentType();
        Charset charset = type != null && type.getCharset() != null ? type.getCharset() : StandardCharsets.UTF_8;
        String text;
        try {
            text = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new HttpMessageNotReadableException("The request body is not text of its charset.",
                    new NotItsCharset(), input);
        }
        // Jackson is handed the text checked, as UTF-8: for a UTF charset it would otherwise detect the
        // encoding from the bytes itself, and could read as UTF-8 what was checked as UTF-16.
        byte[] utf8 = charset.equals(StandardCharsets.UTF_8) ? body : text.getBytes(StandardCharsets.UTF_8);
        HttpHeaders headers = HttpHeaders.copyOf(input.getHeaders());
        if (type != null && !charset.equals(StandardCharsets.UTF_8)) {
            headers.setContentType(new MediaType(type, StandardCharsets.UTF_8));
        }
        headers.setContentLength(utf8.length);
        return new HttpInputMessage() {
            @Override
            public InputStream getBody() {
                return new ByteArrayInputStream(utf8);
            }

            @Override
            public HttpHeaders getHeaders() {
                return headers;
            }
        };
    }
}
