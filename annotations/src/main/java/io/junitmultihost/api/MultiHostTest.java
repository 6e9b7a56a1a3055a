package io.junitmultihost.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.platform.commons.annotation.Testable;

/**
 * Marks a method of a {@link Hosts} class as a test run by the junit-multihost engine.
 *
 * <p>It is this engine's own annotation (not Jupiter's {@code @Test}), so that the Jupiter engine
 * on the same class path never runs these methods and this engine never runs Jupiter's. IDEs see
 * it as testable through {@link Testable}. Parameters are injected by exact type:
 * {@link Host} (with {@link Role} naming a role of one host), {@code List<Host>} (with
 * {@link Role}), and {@link Cluster}.
 */
@Documented
@Testable
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
public @interface MultiHostTest {
}
