package io.junitmultihost.ssh;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    private final JavaClasses transport = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.junitmultihost.ssh");

    @Test
    void theTransportKnowsNothingOfJUnit() {
        noClasses().that().resideInAPackage("io.junitmultihost.ssh..")
                .should().dependOnClassesThat().resideInAnyPackage("org.junit..", "org.opentest4j..")
                .check(transport);
    }

    @Test
    void theTransportDependsOnNoOtherModuleOfOurs() {
        noClasses().that().resideInAPackage("io.junitmultihost.ssh..")
                .should().dependOnClassesThat().resideInAnyPackage("io.junitmultihost.api..",
                        "io.junitmultihost.spi..", "io.junitmultihost.engine..", "io.junitmultihost.barrier..")
                .check(transport);
    }

    @Test
    void loggingGoesThroughSlf4jOnly() {
        noClasses().that().resideInAPackage("io.junitmultihost.ssh..")
                .should().dependOnClassesThat().resideInAnyPackage("java.util.logging..", "org.apache.log4j..",
                        "org.apache.logging.log4j..")
                .orShould().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .check(transport);
    }
}
