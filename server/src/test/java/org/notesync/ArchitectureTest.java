package org.notesync;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.RestController;

/** Keeps the package-by-feature layout honest (STYLE.md). */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.notesync");

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("org.notesync.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theSharedWebLayerKnowsNoFeature() {
        noClasses().that().resideInAPackage("org.notesync.web..")
                .should().dependOnClassesThat().resideInAnyPackage("org.notesync.identity..", "org.notesync.note..",
                        "org.notesync.patient..", "org.notesync.webhook..", "org.notesync.delivery..",
                        "org.notesync.audio..", "org.notesync.pipeline..", "org.notesync.feed..")
                .check(CLASSES);
    }

    @Test
    void controllersAreNotPublic() {
        classes().that().areAnnotatedWith(RestController.class).should().notBePublic().check(CLASSES);
    }
}
