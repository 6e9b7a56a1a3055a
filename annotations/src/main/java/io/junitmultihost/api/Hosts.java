package io.junitmultihost.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the hosts a test class needs, as roles.
 *
 * <p>A class carrying {@code @Hosts} is run by the junit-multihost engine when its methods are
 * annotated {@link MultiHostTest}; a Jupiter test class instead adds {@code @MultiHost} (from the engine artifact) to get the
 * same hosts through the Jupiter extension.
 *
 * <pre>{@code
 * @Hosts({
 *     @Role(name = "db", count = 1),
 *     @Role(name = "app", count = 3, min = 2)     // 3 wanted, 2 enough
 * })
 * class FailoverTest {
 *     @MultiHostTest
 *     void appsReachTheDb(@Role("db") Host db, @Role("app") List<Host> apps) { ... }
 * }
 * }</pre>
 *
 * <p>When the configured provider cannot supply {@link Role#min()} hosts for a role, every test
 * of the class is reported aborted with the reason; it is never failed and never left waiting.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
public @interface Hosts {

    /** The roles, each with how many hosts it wants. Role names are unique within a class. */
    Role[] value();
}
