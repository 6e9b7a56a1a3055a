package io.junitmultihost.engine;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module boundaries of STYLE.md, as jqwik guards its own with ArchUnit. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.junitmultihost");
    }

    @Test
    void everyPackageTheRulesNameHasClasses() {
        // A rule about a package that is renamed or gone would pass vacuously: each must have classes.
        for (String name : List.of("api", "spi", "engine", "jupiter", "ssh", "sync", "sync.internal", "embedded", "lab",
                "inventory")) {
            assertThat(classes.that(resideInAPackage("io.junitmultihost." + name + ".."))).as(name).isNotEmpty();
        }
    }

    @Test
    void theSshTransportKnowsNothingOfJUnit() {
        noClasses().that().resideInAPackage("io.junitmultihost.ssh..")
                .should().dependOnClassesThat().resideInAnyPackage("org.junit..", "org.opentest4j..")
                .check(classes);
    }

    @Test
    void theSyncServerKnowsNothingOfJUnit() {
        noClasses().that().resideInAPackage("io.junitmultihost.sync..")
                .should().dependOnClassesThat().resideInAnyPackage("org.junit..", "org.opentest4j..")
                .check(classes);
    }

    @Test
    void theUserApiAndSpiKnowNothingOfTheEngineOrTheTransport() {
        noClasses().that().resideInAnyPackage("io.junitmultihost.api..", "io.junitmultihost.spi..")
                .should().dependOnClassesThat().resideInAnyPackage("io.junitmultihost.engine..",
                        "io.junitmultihost.jupiter..", "io.junitmultihost.ssh..", "io.junitmultihost.sync.internal..")
                .check(classes);
    }

    @Test
    void onlyTheSyncHandleSpeaksTheBarrierServersPublicTypes() {
        // The Sync handle returns the barrier server's value types rather than copies of them;
        // barrier-server is JDK-only, so the API module stays free of JUnit engines and SSH.
        noClasses().that().resideInAnyPackage("io.junitmultihost.api..", "io.junitmultihost.spi..")
                .and().doNotHaveSimpleName("Sync")
                .should().dependOnClassesThat().resideInAnyPackage("io.junitmultihost.sync..")
                .check(classes);
    }

    @Test
    void theEngineReachesProvidersOnlyThroughTheSpi() {
        noClasses().that().resideInAnyPackage("io.junitmultihost.engine..", "io.junitmultihost.jupiter..")
                .should().dependOnClassesThat().resideInAnyPackage("io.junitmultihost.embedded..",
                        "io.junitmultihost.lab..", "io.junitmultihost.inventory..")
                .check(classes);
    }
}
