package org.notesync.web;

import org.notesync.NotesyncProperties;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class WebConfiguration {

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
    FilterRegistrationBean<JsonCharsetIgnored> jsonCharsetIgnored() {
        FilterRegistrationBean<JsonCharsetIgnored> registration = new FilterRegistrationBean<>(new JsonCharsetIgnored());
        registration.setOrder(-197);
        return registration;
    }

    @Bean
    ContainerErrors containerErrors() {
        return new ContainerErrors();
    }
}
