package io.junitmultihost.engine;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
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
    void theUserApiAndSpiImportNothingOfOursOutsideThemselves() {
        // The API stands alone: the sync server, SSH and the engine are adapted to it, never shown through it.
        noClasses().that().resideInAnyPackage("io.junitmultihost.api..", "io.junitmultihost.spi..")
                .should().dependOnClassesThat(resideInAPackage("io.junitmultihost..")
                        .and(not(resideInAnyPackage("io.junitmultihost.api..", "io.junitmultihost.spi.."))))
                .check(classes);
    }

    @Test
    void theEnginesPackagesAreFreeOfCycles() {
        // Each package of the engine and the Jupiter extension is a slice; a cycle means two packages cannot be read apart.
        JavaClasses engine = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.junitmultihost.engine", "io.junitmultihost.jupiter");
        slices().matching("io.junitmultihost.(**)").should().beFreeOfCycles().check(engine);
    }

    @Test
    void theEngineReachesProvidersOnlyThroughTheSpi() {
        noClasses().that().resideInAnyPackage("io.junitmultihost.engine..", "io.junitmultihost.jupiter..")
                .should().dependOnClassesThat().resideInAnyPackage("io.junitmultihost.embedded..",
                        "io.junitmultihost.lab..", "io.junitmultihost.inventory..")
                .check(classes);
    }
}
