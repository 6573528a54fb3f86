package org.notesync.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ExtractiveNoteGeneratorTest {

    private final ExtractiveNoteGenerator generator = new ExtractiveNoteGenerator();
    private final NoteTemplate soap = NoteTemplate.parse("consultation_summary",
            "# sections: subjective, objective, assessment, plan\nWrite a SOAP note.");

    @Test
    void sortsEachSentenceIntoOneSoapSectionWordForWord() {
        Map<String, List<String>> sections = ExtractiveNoteGenerator.sort("""
                I have had a headache for three days. It gets worse in the evening.
                Blood pressure is 150/95 mmHg and the pulse is 88 bpm!
                This is probably a tension headache.
                I'll prescribe ibuprofen 400 mg and we will follow up next week.""");
        assertThat(sections.get("subjective")).containsExactly("I have had a headache for three days.",
                "It gets worse in the evening.");
        assertThat(sections.get("objective")).containsExactly("Blood pressure is 150/95 mmHg and the pulse is 88 bpm!");
        assertThat(sections.get("assessment")).containsExactly("This is probably a tension headache.");
        assertThat(sections.get("plan")).containsExactly(
                "I'll prescribe ibuprofen 400 mg and we will follow up next week.");
    }

    @Test
    void readsFrenchWithOrWithoutAccents() {
        Map<String, List<String>> sections = ExtractiveNoteGenerator.sort(
                "J'ai mal au dos depuis lundi. La tension est à 13/8. Je pense que c'est une lombalgie. "
                        + "Je vous fais une ordonnance et on se revoit dans dix jours. Température 37,8°C.");
        assertThat(sections.get("subjective")).containsExactly("J'ai mal au dos depuis lundi.");
        assertThat(sections.get("objective")).containsExactly("La tension est à 13/8.", "Température 37,8°C.");
        assertThat(sections.get("assessment")).containsExactly("Je pense que c'est une lombalgie.");
        assertThat(sections.get("plan")).containsExactly("Je vous fais une ordonnance et on se revoit dans dix jours.");
    }

    @Test
    void labelsTheNoteAsAnUneditedDraftMadeWithoutAi() throws Exception {
        String note = generator.generate(new NoteGenerator.NoteRequest(soap, "I feel tired.", "en"));
        assertThat(note).startsWith("DRAFT - not AI");
        assertThat(note).contains("unedited").contains("Subjective:\n- I feel tired.")
                .contains("Objective:\n(nothing found)").contains("Plan:\n(nothing found)");
    }

    @Test
    void refusesANonSoapTemplateRatherThanPretending() {
        NoteTemplate letter = NoteTemplate.parse("referral_letter", "# sections: reason, history\nWrite a letter.");
        assertThatThrownBy(() -> generator.generate(new NoteGenerator.NoteRequest(letter, "Some text.", null)))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.reason()).contains("SOAP notes only").contains("referral_letter");
                });
    }

    @Test
    void theShippedTemplatesParse() {
        NoteTemplates templates = NoteTemplates.fromClasspath();
        assertThat(templates.available()).contains("consultation_summary");
        NoteTemplate t = templates.get("consultation_summary").orElseThrow();
        assertThat(t.sections()).isEqualTo(NoteTemplate.SOAP);
        assertThat(t.prompt()).contains("JSON").doesNotContain("# sections");
    }
}
