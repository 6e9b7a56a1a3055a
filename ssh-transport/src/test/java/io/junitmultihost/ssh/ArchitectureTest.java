package io.junitmultihost.ssh;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

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
                .allowEmptyShould(false)
                .check(transport);
    }

    @Test
    void theTransportDependsOnNoOtherModuleOfOurs() {
        // Named by what it is not, so that no package name here can go stale and pass vacuously.
        noClasses().that().resideInAPackage("io.junitmultihost.ssh..")
                .should().dependOnClassesThat(resideInAPackage("io.junitmultihost..")
                        .and(not(resideInAPackage("io.junitmultihost.ssh.."))))
                .allowEmptyShould(false)
                .check(transport);
    }

    @Test
    void theRulesSeeTheTransportsClasses() {
        assertThat(transport.that(resideInAPackage("io.junitmultihost.ssh.."))).as("classes the rules check")
                .hasSizeGreaterThan(20);
        assertThat(transport.contain(SshPool.class)).isTrue();
    }

    @Test
    void loggingGoesThroughSlf4jOnly() {
        noClasses().that().resideInAPackage("io.junitmultihost.ssh..")
                .should().dependOnClassesThat().resideInAnyPackage("java.util.logging..", "org.apache.log4j..",
                        "org.apache.logging.log4j..")
                .orShould().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .allowEmptyShould(false)
                .check(transport);
    }
}
