package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {"jane.doe@example.test", "j+notes@cabinet-dupont.fr", "o'brien@mail.example.ie",
            "x@sub.domain.example", "\"jane doe\"@example.test", "clinician@demo.notesync.local"})
    void takesAddresses(String address) {
        assertThat(EmailAddresses.isValid(address)).as(address).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://u:p@127.0.0.1:19099/x", "mailto:x@c.com", "y@c..com", "a@c.com/path",
            "a@c.com:8080", ".a@c.com", "a..b@c.com", "a.@c.com", "a@-c.com", "a@c-.com", "jane.doe.example.test",
            "jane@localhost", "a@b@c.com", "a b@c.com", "", " "})
    void refusesWhatIsNotOne(String text) {
        assertThat(EmailAddresses.isValid(text)).as(text).isFalse();
    }
}
