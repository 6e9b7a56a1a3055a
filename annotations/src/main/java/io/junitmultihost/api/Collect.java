package io.junitmultihost.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Files and command output to collect from the test's hosts when a test fails (or always, or
 * never: {@code multihost.artifacts.when}), on a test class (for each of its tests) or a test
 * method. They are collected from every host at once, before any teardown ({@code AfterEach},
 * the class's end, a reboot or restore) runs, into
 * {@code <multihost.report.dir>/artifacts/<class>/<test>/<host>/}, and each collected file is
 * attached to its test as a file entry. A host that rebooted since the test started also gives the
 * previous boot's journal where it keeps one; a host that cannot be reached gets a note instead.
 *
 * <pre>{@code
 * @Collect(files = "/var/log/app/*.log", commands = {"journalctl -u app --no-pager -n 500", "ss -tnp"})
 * }</pre>
 */
@Documented
@Inherited
@Repeatable(Collects.class)
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Collect {

    /** Files to copy, as patterns the host's {@code sh} expands ({@code /var/log/app/*.log}); relative to the login directory. */
    String[] files() default {};

    /** Shell commands whose output (standard output, then standard error) is kept, a file each. */
    String[] commands() default {};

    /** The roles whose hosts are collected from; empty: every host of the test. */
    String[] roles() default {};
}
