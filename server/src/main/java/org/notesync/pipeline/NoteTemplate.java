package org.notesync.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A note type's prompt template, from {@code prompts/<type>.txt}: a {@code # sections: a, b, c} line naming
 * the JSON keys the model must return (in the order the note shows them), then the system prompt.
 */
record NoteTemplate(String type, List<String> sections, String prompt) {

    private static final Pattern SECTION = Pattern.compile("^[a-z][a-z_]{0,39}$");
    static final List<String> SOAP = List.of("subjective", "objective", "assessment", "plan");

    static NoteTemplate parse(String type, String text) {
        List<String> sections = new ArrayList<>();
        StringBuilder prompt = new StringBuilder();
        for (String line : text.split("\\R", -1)) {
            if (line.startsWith("# sections:")) {
                for (String s : line.substring("# sections:".length()).split(",")) {
                    String section = s.trim();
                    if (!SECTION.matcher(section).matches()) {
                        throw new IllegalArgumentException("prompts/" + type + ".txt: invalid section name");
                    }
                    sections.add(section);
                }
            } else {
                prompt.append(line).append('\n');
            }
        }
        if (sections.isEmpty()) {
            throw new IllegalArgumentException("prompts/" + type + ".txt has no '# sections:' line");
        }
        return new NoteTemplate(type, List.copyOf(sections), prompt.toString().strip());
    }

    /** How a section is titled in the note: {@code chief_complaint} → {@code Chief complaint}. */
    static String title(String section) {
        String words = section.replace('_', ' ');
        return words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
    }
}
