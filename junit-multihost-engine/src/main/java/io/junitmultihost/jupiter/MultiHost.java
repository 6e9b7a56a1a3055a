package io.junitmultihost.jupiter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a Jupiter test class the hosts it declares with {@code @Hosts}/{@code @Role}, through
 * {@link MultiHostExtension}: {@code @Test}, {@code @ParameterizedTest}, {@code @BeforeEach},
 * {@code @Nested} and your own extensions work as usual, and handles are injected by type. A
 * class with {@code @MultiHost} is run by Jupiter only, never by the junit-multihost engine.
 *
 * <pre>{@code
 * @MultiHost
 * @Hosts({@Role(name = "server", count = 1), @Role(name = "client", count = 2)})
 * class EchoTest {
 *     @Test
 *     void clientsReachTheServer(@Role("server") Host server, @Role("client") List<Host> clients) {
 *         server.exec("true").assertSuccess();
 *     }
 * }
 * }</pre>
 *
 * <p>Hosts come from the same pool and configuration ({@code multihost.*}) as the engine's; the
 * class holds them from before its first test to after its last. When a role cannot get its
 * minimum the class is skipped with the reason, never failed.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ExtendWith(MultiHostExtension.class)
public @interface MultiHost {
}
