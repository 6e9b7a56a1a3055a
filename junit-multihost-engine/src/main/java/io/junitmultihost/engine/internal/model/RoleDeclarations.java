package io.junitmultihost.engine.internal.model;

import io.junitmultihost.api.Hosts;
import io.junitmultihost.api.Role;
import io.junitmultihost.engine.internal.injection.ParameterRequest;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the roles a test class declares: {@code @Hosts}, one or repeated {@code @Role}, on the
 * class, on a composed annotation, or on the nearest superclass that declares any (the nearest
 * declaration wins, as with {@link java.lang.annotation.Inherited}). Internal.
 */
public final class RoleDeclarations {

    private static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private final List<RoleDeclaration> roles;
    private final List<String> problems;

    private RoleDeclarations(List<RoleDeclaration> roles, List<String> problems) {
        this.roles = List.copyOf(roles);
        this.problems = List.copyOf(problems);
    }

    /** The roles of {@code testClass} and what is wrong with them; never null. */
    public static RoleDeclarations of(Class<?> testClass) {
        for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
            List<Role> declared = declaredOn(c);
            if (!declared.isEmpty()) {
                return validate(testClass, declared);
            }
        }
        return new RoleDeclarations(List.of(), List.of());
    }

    /** The valid roles in declaration order. */
    public List<RoleDeclaration> roles() {
        return roles;
    }

    /** The names of the valid roles in declaration order. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        roles.forEach(r -> names.add(r.name()));
        return names;
    }

    /** Whether the class declares any role at all (valid or not). */
    public boolean isEmpty() {
        return roles.isEmpty() && problems.isEmpty();
    }

    /** Sentences naming class and role for every invalid declaration; empty when all is well. */
    public List<String> problems() {
        return problems;
    }

    /** The name a {@code @Role} gives, from {@code value} or {@code name}; empty when neither. */
    public static String nameOf(Role role) {
        return ParameterRequest.roleName(role);
    }

    private static RoleDeclarations validate(Class<?> testClass, List<Role> declared) {
        List<RoleDeclaration> roles = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String where = "class [" + testClass.getName() + "]";
        for (Role role : declared) {
            String name = nameOf(role);
            if (!role.value().isEmpty() && !role.name().isEmpty() && !role.value().equals(role.name())) {
                problems.add("A role of " + where + " sets both value [" + role.value() + "] and name ["
                        + role.name() + "]; set only one of them.");
                continue;
            }
            if (!ROLE_NAME.matcher(name).matches()) {
                problems.add("A role of " + where + " has the name [" + name
                        + "]; role names are made of letters, digits, '-' and '_'.");
                continue;
            }
            if (!seen.add(name)) {
                problems.add("The role [" + name + "] is declared twice on " + where
                        + "; role names must be unique within a class.");
                continue;
            }
            int min = role.min() == -1 ? role.count() : role.min();
            if (role.count() < 1) {
                problems.add("The role [" + name + "] of " + where + " has count [" + role.count()
                        + "]; count must be at least 1.");
            } else if (min < 1 || min > role.count()) {
                problems.add("The role [" + name + "] of " + where + " has min [" + role.min() + "] and count ["
                        + role.count() + "]; min must be between 1 and count (or left out to mean count).");
            } else {
                roles.add(new RoleDeclaration(name, role.count(), min));
            }
        }
        return new RoleDeclarations(roles, problems);
    }

    private static List<Role> declaredOn(Class<?> c) {
        List<Role> found = new ArrayList<>();
        Set<Class<?>> visited = new HashSet<>();
        for (Annotation a : c.getDeclaredAnnotations()) {
            collect(a, found, visited);
        }
        return found;
    }

    // Direct, repeated (the @Hosts container) or meta-present on a composed annotation.
    private static void collect(Annotation a, List<Role> found, Set<Class<?>> visited) {
        if (a instanceof Role role) {
            found.add(role);
        } else if (a instanceof Hosts hosts) {
            found.addAll(List.of(hosts.value()));
        } else if (!a.annotationType().getName().startsWith("java.lang.annotation")
                && visited.add(a.annotationType())) {
            for (Annotation meta : a.annotationType().getDeclaredAnnotations()) {
                collect(meta, found, visited);
            }
        }
    }
}
