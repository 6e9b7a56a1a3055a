package io.junitmultihost.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as one part of a distributed test case (TETware's distributed test parts): the
 * methods of a class with the same {@link #test()} form one test, and each runs once per host of its
 * {@link #role()}, all at the same time. The parts meet at syncpoints of their own {@link Sync}
 * (each part speaks as its host) and combine into one result: the test passes when every part
 * passes. In reports the test is a container with a child per part, named by role and host
 * ({@code server on host-1}).
 *
 * <p>A part's parameters are injected as a test's are, except that a {@link Host} without
 * {@link Role} is the part's own host and a {@link Sync} is the test's, speaking as that host. When a
 * part fails, the syncs the other parts wait in are aborted at once, naming the failed part and its
 * cause; a part that fails only because of that is reported as aborted, not failed.
 *
 * <pre>{@code
 * @MultiHostPart(test = "echo", role = "server")
 * void server(Host self, Sync sync) { ... sync.remsync("up", ...); ... }
 *
 * @MultiHostPart(test = "echo", role = "client")
 * void client(Host self, Sync sync, @Role("server") Host server) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface MultiHostPart {

    /** The distributed test this part belongs to: its name in reports. */
    String test();

    /** The role whose hosts run this part, each its own copy. */
    String role();

    /**
     * How long the whole test may run, in the project's duration syntax; empty: the
     * configuration's {@code multihost.test.timeout}. The first non-empty one among the parts counts.
     */
    String timeout() default "";

    /**
     * {@code true}: the part runs inside a remote JVM on its host (launched with the test's
     * classpath as the test starts, stopped when the part ends) instead of in the test JVM driving
     * the host. There it gets a new instance of the class (its no-argument constructor) and may take
     * only a {@link Sync} (speaking as its host, as in the test JVM) and the {@link VmContext}.
     */
    boolean inVm() default false;
}
