package org.notesync.web;

import org.notesync.NotesyncProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
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
    FilterRegistrationBean<WildcardContentTypeFilter> wildcardContentTypeFilter(JsonMapper json) {
        FilterRegistrationBean<WildcardContentTypeFilter> registration = new FilterRegistrationBean<>(
                new WildcardContentTypeFilter(json));
        registration.setOrder(-199);
        return registration;
    }

    @Bean
    ContainerErrors containerErrors() {
        return new ContainerErrors();
    }
}
