package org.notesync.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.notesync.audio.NoteTypes;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/** Every {@code prompts/<type>.txt} on the classpath: the note types the pipeline can write. */
final class NoteTemplates implements NoteTypes {

    private static final Pattern TYPE = Pattern.compile("^[a-z][a-z0-9_]{0,63}$");

    private final Map<String, NoteTemplate> templates;

    private NoteTemplates(Map<String, NoteTemplate> templates) {
        this.templates = Map.copyOf(templates);
    }

    static NoteTemplates fromClasspath() {
        Map<String, NoteTemplate> found = new TreeMap<>();
        try {
            for (Resource r : new PathMatchingResourcePatternResolver().getResources("classpath*:prompts/*.txt")) {
                String file = r.getFilename();
                String type = file == null ? "" : file.substring(0, file.length() - ".txt".length());
                if (!TYPE.matcher(type).matches()) {
                    continue;
                }
                try (InputStream in = r.getInputStream()) {
                    found.put(type, NoteTemplate.parse(type, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the note prompt templates (prompts/*.txt)", e);
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("No note prompt template (prompts/<type>.txt) on the classpath");
        }
        return new NoteTemplates(found);
    }

    Optional<NoteTemplate> get(String type) {
        return Optional.ofNullable(templates.get(type));
    }

    @Override
    public List<String> available() {
        return List.copyOf(new TreeMap<>(templates).keySet());
    }
}
