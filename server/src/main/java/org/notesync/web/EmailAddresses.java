package org.notesync.web;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import jakarta.validation.constraints.Email;

/**
 * Whether a text is an email address, by Hibernate Validator's {@code @Email} (a dot-atom or quoted local
 * part), with a host name of letters, digits and inner hyphens and a dot in it: the addresses here are
 * patients' and clinicians', never a host's local mailbox.
 */
public final class EmailAddresses {

    private static final Validator VALIDATOR;

    static {
        try (ValidatorFactory factory = Validation.buildDefaultValidatorFactory()) {
            VALIDATOR = factory.getValidator();
        }
    }

    /** Host names: labels of letters and digits, hyphens inside; at least two. Hibernate's allows atext. */
    private static final String DOMAIN = "(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?\\.)+"
            + "[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?";

    private record Address(@Email(regexp = "[^@]+@" + DOMAIN) String value) {
    }

    private EmailAddresses() {
    }

    public static boolean isValid(String text) {
        return text != null && !text.isBlank() && VALIDATOR.validate(new Address(text)).isEmpty();
    }
}
