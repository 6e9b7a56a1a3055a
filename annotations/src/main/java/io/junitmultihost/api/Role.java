package io.junitmultihost.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A role of a test: a named group of hosts.
 *
 * <p>On a class (directly, repeated, or inside {@link Hosts}) it declares the role with
 * {@link #name()}, {@link #count()} and {@link #min()}. On a parameter it selects the role's hosts:
 * {@code @Role("db") Host db} for a role of one host, {@code @Role("app") List<Host> apps} for all
 * hosts the role got.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.PARAMETER})
@Repeatable(Hosts.class)
public @interface Role {

    /** The role's name; an alias of {@link #name()}, handy on parameters. */
    String value() default "";

    /** The role's name: letters, digits, {@code -} and {@code _}. */
    String name() default "";

    /** How many hosts the role wants; at least 1. */
    int count() default 1;

    /**
     * How many hosts are enough to run the test (a quorum); {@code -1}, the default, means
     * {@link #count()}. Must be between 1 and {@code count}.
     */
    int min() default -1;
}
