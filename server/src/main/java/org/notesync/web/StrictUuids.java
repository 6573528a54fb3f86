package org.notesync.web;

import java.beans.PropertyEditorSupport;
import java.util.UUID;

import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * A uuid in a path or a request parameter bound by Spring MVC is read as {@link Uuids} reads one: Spring's own
 * conversion took {@code /notes/1-1-1-1-1} for a note (a 404 where a malformed uuid is a 400). An editor, not a
 * converter: when a converter refuses a value, Spring tries its default editor, which takes it.
 */
@ControllerAdvice
class StrictUuids {

    @InitBinder
    void strictUuids(WebDataBinder binder) {
        binder.registerCustomEditor(UUID.class, new PropertyEditorSupport() {
            @Override
            public void setAsText(String text) {
                setValue(text == null || text.isEmpty() ? null : Uuids.parse(text));
            }
        });
    }
}
