package org.notesync.pipeline;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The offline default, when no language model is configured: sorts the transcript's sentences into the
 * SOAP sections by keyword rules (English and French), word for word, and labels the note as an unedited
 * draft made without AI. It summarises nothing and invents nothing; it only writes SOAP templates.
 */
final class ExtractiveNoteGenerator implements NoteGenerator {

    static final String LABEL = "DRAFT - not AI: sentences of the transcript sorted into sections by keyword "
            + "rules (notesync offline generator), unedited. The clinician must review and edit it.";

    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+|\\R+");

    // Checked in this order: the first section whose rule matches takes the sentence; the rest is subjective.
    private static final Map<String, Pattern> RULES = new LinkedHashMap<>();

    static {
        RULES.put("plan", words("prescrib\\w*", "prescri\\w*", "\\d+\\s?(mg|mcg|ml|g)", "follow[- ]?up",
                "refer\\w*", "adress\\w*", "schedul\\w*", "come back", "revoir", "revenez", "recommend\\w*",
                "advis\\w*", "conseill\\w*", "we will", "we'll", "let's", "daily", "twice a day",
                "(once|three times) a day", "par jour", "order\\w*", "book\\w*", "rendez-vous", "controle",
                "ordonnance", "traitement", "treatment", "plan"));
        RULES.put("assessment", words("diagnos\\w*", "likely", "probabl\\w*", "consistent with", "suggest\\w*",
                "suspect\\w*", "assessment", "impression", "looks like", "seems to be", "rule out", "evoque\\w*",
                "compatible avec", "sans doute", "je pense que", "i think", "differential"));
        RULES.put("objective", words("blood pressure", "bp", "tension", "pressure", "mmhg", "temperature",
                "temperatur\\w*", "fever of", "\\d+([.,]\\d+)?\\s?°c?", "pulse", "heart rate", "bpm", "saturation",
                "spo2", "weight", "weighs", "poids", "kg", "height", "bmi", "on examination", "exam\\w*",
                "auscultation", "auscult\\w*", "palpation", "inspection", "lungs? (are|sound)", "swollen",
                "tender", "rash", "erythema\\w*", "results?", "resultats?", "x-?ray", "radio\\w*", "ecg",
                "test (shows?|came)"));
    }

    @Override
    public String name() {
        return "extractive";
    }

    @Override
    public String generate(NoteRequest request) throws EngineException {
        NoteTemplate template = request.template();
        if (!template.sections().equals(NoteTemplate.SOAP)) {
            throw EngineException.permanent("the offline note generator writes SOAP notes only; configure a note "
                    + "generation server for note type " + template.type());
        }
        Map<String, List<String>> sections = sort(request.transcript());
        StringBuilder note = new StringBuilder(LABEL).append("\n\n");
        for (String section : NoteTemplate.SOAP) {
            note.append(NoteTemplate.title(section)).append(":\n");
            List<String> sentences = sections.get(section);
            if (sentences.isEmpty()) {
                note.append("(nothing found)\n");
            }
            sentences.forEach(s -> note.append("- ").append(s).append('\n'));
            note.append('\n');
        }
        return note.toString().stripTrailing();
    }

    /** The transcript's sentences by section, each in the transcript's order. */
    static Map<String, List<String>> sort(String transcript) {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        NoteTemplate.SOAP.forEach(s -> sections.put(s, new ArrayList<>()));
        for (String raw : SENTENCE_END.split(transcript.strip())) {
            String sentence = raw.strip();
            if (sentence.isEmpty()) {
                continue;
            }
            String folded = fold(sentence);
            String section = RULES.entrySet().stream().filter(r -> r.getValue().matcher(folded).find())
                    .map(Map.Entry::getKey).findFirst().orElse("subjective");
            sections.get(section).add(sentence);
        }
        return sections;
    }

    private static Pattern words(String... alternatives) {
        return Pattern.compile("(?<![\\p{L}\\d])(" + String.join("|", alternatives) + ")(?![\\p{L}])");
    }

    private static String fold(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT);
    }
}
