package io.junitmultihost.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A tag on a {@link Hosts} class or a {@link MultiHostTest} method, for filtering with tag
 * expressions (Surefire {@code groups}/{@code excludedGroups}, the console launcher's
 * {@code --include-tag}). Tags of a class apply to its methods.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Repeatable(Tags.class)
public @interface Tag {

    /** The tag, a valid JUnit Platform tag (no blanks, no {@code ,()&|!}). */
    String value();
}
