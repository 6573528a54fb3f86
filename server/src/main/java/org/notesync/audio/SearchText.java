package org.notesync.audio;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Text as the accent-insensitive search compares it: lower-cased, accents removed ("Fièvre" → "fievre").
 * Done in Java and stored beside the text, since H2 has no unaccent() and PostgreSQL's is an extension.
 */
final class SearchText {

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    private SearchText() {
    }

    static String normalize(String text) {
        if (text == null) {
            return null;
        }
        String decomposed = Normalizer.normalize(text, Normalizer.Form.NFD);
        return MARKS.matcher(decomposed).replaceAll("").toLowerCase(Locale.ROOT);
    }
}
