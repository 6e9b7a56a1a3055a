/**
 * The junit-multihost test engine's configuration keys ({@link io.junitmultihost.engine.Constants});
 * the engine itself ({@code io.junitmultihost.engine.internal.MultiHostTestEngine}) is found by the
 * JUnit Platform through {@code META-INF/services}. Everything under
 * {@code io.junitmultihost.engine.internal} is internal and may change without notice.
 */
package io.junitmultihost.engine;
