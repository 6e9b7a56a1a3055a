package io.junitmultihost.engine.internal.model;

/**
 * A role as a test class declares it: name, how many hosts it wants and how many are enough.
 * Internal: public only for the engine's other packages and the Jupiter extension.
 *
 * @param name the role's name, never blank
 * @param count how many hosts the role wants, at least 1
 * @param min how many hosts are enough, between 1 and {@code count}
 */
public record RoleDeclaration(String name, int count, int min) {

    @Override
    public String toString() {
        return name + (count == min ? "[" + count + "]" : "[" + min + ".." + count + "]");
    }
}
