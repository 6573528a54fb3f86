package org.notesync.web;

import java.util.List;

import org.notesync.NotesyncProperties;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    @Bean
    FilterRegistrationBean<UnexpectedErrors> unexpectedErrors() {
        FilterRegistrationBean<UnexpectedErrors> registration = new FilterRegistrationBean<>(new UnexpectedErrors());
        registration.setOrder(-300); // around every filter of ours and Spring Security's
        return registration;
    }

    @Bean
    FilterRegistrationBean<RequestSizeLimitFilter> requestSizeLimitFilter(NotesyncProperties properties,
            JsonMapper json) {
        FilterRegistrationBean<RequestSizeLimitFilter> registration = new FilterRegistrationBean<>(
                new RequestSizeLimitFilter(properties.maxBodySize().toBytes(), json));
        registration.setOrder(-200);
        return registration;
    }

    @Bean
    FilterRegistrationBean<BodyContentTypeFilter> bodyContentTypeFilter(JsonMapper json) {
        FilterRegistrationBean<BodyContentTypeFilter> registration = new FilterRegistrationBean<>(
                new BodyContentTypeFilter(json));
        registration.setOrder(-199);
        return registration;
    }

    @Bean
    FilterRegistrationBean<EmptyAcceptPatchDropped> emptyAcceptPatchDropped() {
        FilterRegistrationBean<EmptyAcceptPatchDropped> registration = new FilterRegistrationBean<>(
                new EmptyAcceptPatchDropped());
        registration.setOrder(-198);
        return registration;
    }

    /**
     * A body that names a property twice is refused as malformed rather than read as its last value:
     * which one the client meant is a guess (RFC 8259 leaves it open).
     */
    @Bean
    JsonMapperBuilderCustomizer strictDuplicates() {
        return builder -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    @Bean
    FilterRegistrationBean<HealthComponentNotFound> healthComponentNotFound() {
        FilterRegistrationBean<HealthComponentNotFound> registration = new FilterRegistrationBean<>(
                new HealthComponentNotFound());
        registration.addUrlPatterns("/actuator/health/*");
        registration.setOrder(-196);
        return registration;
    }

    @Bean
    FilterRegistrationBean<JsonCharsetIgnored> jsonCharsetIgnored() {
        FilterRegistrationBean<JsonCharsetIgnored> registration = new FilterRegistrationBean<>(new JsonCharsetIgnored());
        registration.setOrder(-197);
        return registration;
    }

    /**
     * Bodies are JSON (and forms where a form is read). Spring adds a YAML converter when Jackson's YAML module
     * is on the class path (springdoc brings it): it answered a YAML body with a 500 where it could not build
     * the request's object, and 415s listed YAML among the types read.
     */
    @Bean
    WebMvcConfigurer noYamlBodies() {
        return new WebMvcConfigurer() {
            @Override
            public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
                // Jackson 3's converter, and Jackson 2's, which springdoc's dependencies bring along
                converters.removeIf(c -> !c.getSupportedMediaTypes().isEmpty() && c.getSupportedMediaTypes().stream()
                        .allMatch(type -> type.getSubtype().endsWith("yaml")));
            }
        };
    }

    @Bean
    ContainerErrors containerErrors() {
        return new ContainerErrors();
    }
}
