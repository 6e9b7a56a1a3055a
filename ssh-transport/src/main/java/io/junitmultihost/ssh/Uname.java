package io.junitmultihost.ssh;

import java.util.Objects;

/**
 * The uname(2) fields of a host.
 *
 * @param sysname the kernel name, e.g. {@code Linux}
 * @param nodename the host name
 * @param release the kernel release, e.g. {@code 6.1.0-18-amd64}
 * @param version the kernel version string
 * @param machine the hardware name, e.g. {@code x86_64}
 */
public record Uname(String sysname, String nodename, String release, String version, String machine) {

    /** Validates that no field is null. */
    public Uname {
        Objects.requireNonNull(sysname, "sysname");
        Objects.requireNonNull(nodename, "nodename");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(machine, "machine");
    }
}
