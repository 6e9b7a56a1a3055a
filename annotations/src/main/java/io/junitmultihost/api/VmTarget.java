package io.junitmultihost.api;

import java.io.Serializable;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Which remote JVMs a dynamic stop or start may choose from (Hydra's ClientVmInfo): by logical id,
 * name, host, role, or any serializable predicate. When several match, one available is chosen.
 */
@FunctionalInterface
public interface VmTarget extends Predicate<VmInfo>, Serializable {

    /** The JVM with logical id {@code id}. */
    static VmTarget id(String id) {
        Objects.requireNonNull(id, "id");
        return info -> info.id().equals(id);
    }

    /** The JVM named {@code name}. */
    static VmTarget name(String name) {
        Objects.requireNonNull(name, "name");
        return info -> info.name().equals(name);
    }

    /** The JVMs on host {@code host}. */
    static VmTarget host(String host) {
        Objects.requireNonNull(host, "host");
        return info -> info.host().equals(host);
    }

    /** The JVMs on hosts of role {@code role}. */
    static VmTarget role(String role) {
        Objects.requireNonNull(role, "role");
        return info -> info.role().equals(role);
    }

    /** Any JVM. */
    static VmTarget any() {
        return info -> true;
    }
}
