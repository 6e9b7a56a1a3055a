package io.junitmultihost.engine.internal;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.engine.internal.hosts.EngineVersion;
import org.junit.platform.engine.TestEngine;

/**
 * Says clearly, at discovery, that the JUnit Platform on the class path is older than the engine
 * needs, instead of a {@link LinkageError} half way through a run (a build whose BOM pins JUnit 5,
 * as Spring Boot 3's does, gets Platform 1.x). Looks for a class the needed Platform has and older
 * ones do not. Internal.
 */
final class PlatformCheck {

    /** The oldest JUnit Platform the engine runs on. */
    static final String MINIMUM = "6.0.0";
    /** A class that JUnit Platform 6.0 brought (the engine honours it), absent from 1.x. */
    private static final String NEEDED_CLASS = "org.junit.platform.engine.CancellationToken";

    private PlatformCheck() {
    }

    /** @throws ConfigurationException saying which Platform is here and what to change, when it is too old */
    static void require() {
        try {
            Class.forName(NEEDED_CLASS, false, TestEngine.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            String found = TestEngine.class.getPackage().getImplementationVersion();
            ConfigurationException tooOld = new ConfigurationException("junit-multihost [" + EngineVersion.get() + "] needs JUnit Platform [" + MINIMUM
                    + "] or later, but the class path has JUnit Platform [" + (found == null ? "older than " + MINIMUM : found)
                    + "] (junit-platform-engine, without [" + NEEDED_CLASS + "]). Use JUnit 6: import org.junit:junit-bom"
                    + " 6.x in dependencyManagement before any BOM that pins JUnit 5 (with Spring Boot's parent, set the"
                    + " property junit-jupiter.version to 6.x), and keep junit-platform-launcher on the same version.");
            // Platform 1.x makes this fatal, and Maven Surefire then shows only "TestEngine with ID
            // 'multihost' failed to discover tests", hiding this cause in a .dump file; standard error
            // reaches the console (and no SLF4J binding is needed for it).
            System.err.println(tooOld.getMessage());
            throw tooOld;
        }
    }
}
