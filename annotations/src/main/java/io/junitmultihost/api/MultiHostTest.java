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
 * {@link Role}), and {@link Cluster}. A test runs on a thread of its own, under its
 * {@linkplain #timeout() deadline}.
 */
@Documented
@Testable
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
public @interface MultiHostTest {

    /**
     * How long the test may run, in the project's duration syntax ({@code 30s}, {@code 10m},
     * {@code 1h}); empty: the configuration's {@code multihost.test.timeout} (default {@code 1h}).
     * Past it the engine gathers what the test was doing (its thread's stack, who waits where in its
     * syncs, its remote JVMs' threads), ends the test's work (its thread is interrupted, which ends
     * the commands it waits for; what still runs after a grace period ends with its class), and
     * fails the test with a {@link TestDeadlineException} holding those diagnostics.
     */
    String timeout() default "";
}
