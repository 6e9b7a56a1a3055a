package io.junitmultihost.sync;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The barrier server knows nothing of JUnit or frameworks: JDK and SLF4J only. */
class ArchitectureTest {

    private final JavaClasses main = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.junitmultihost.sync");

    @Test
    void mainCodeDependsOnlyOnTheJdkAndSlf4j() {
        classes().should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "javax..", "jdk.net..", "org.slf4j..", "io.junitmultihost.sync..")
                .check(main);
    }

    @Test
    void internalsDoNotReachIntoTheClientSide() {
        noClasses().that().resideInAPackage("io.junitmultihost.sync.internal..")
                .should().dependOnClassesThat().haveSimpleName("SyncClient")
                .check(main);
    }
}
