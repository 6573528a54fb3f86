package org.notesync.delivery;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The delivery engine is plain Java: Spring wires it from the webhook package, never the other way round. */
class DeliveryArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.notesync.delivery");

    @Test
    void theEngineDependsOnNeitherSpringNorTheRestOfTheServer() {
        noClasses().that().resideInAPackage("org.notesync.delivery..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.notesync.webhook..",
                        "org.notesync.web..", "org.notesync.identity..", "org.notesync.note..")
                .check(classes);
    }
}
