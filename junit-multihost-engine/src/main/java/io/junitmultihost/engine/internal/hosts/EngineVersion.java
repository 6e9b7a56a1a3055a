package io.junitmultihost.engine.internal.hosts;

/**
 * The engine's version, from its jar's manifest ({@code Implementation-Version}); {@code development}
 * when it runs from classes that are not in a jar (its own build). Internal.
 */
public final class EngineVersion {

    private EngineVersion() {
    }

    /** {@code 0.1.0}, or {@code development}. */
    public static String get() {
        String version = EngineVersion.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
