package io.junitmultihost.api;

import java.io.Serializable;
import java.util.Objects;

/**
 * What identifies a remote JVM: its logical id (kept across restarts), name, host, role, and the
 * PID of its current start (-1 while stopped).
 *
 * @param id the logical id, such as {@code vm-3}
 * @param name the name given at launch (with its index, such as {@code server-1})
 * @param host the host's name
 * @param role the role the host has in the test, or empty
 * @param pid the JVM's process id on the host, -1 when it is not running
 */
public record VmInfo(String id, String name, String host, String role, long pid) implements Serializable {

    /** Checks the values. */
    public VmInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(role, "role");
    }

    @Override
    public String toString() {
        return id + " (" + name + " on " + host + (pid > 0 ? ", pid " + pid : ", stopped") + ")";
    }
}
