package io.junitmultihost.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

/**
 * One lab host's SSH host key as clients know it: its known_hosts line (also written to the
 * host's known_hosts file for {@code /usr/bin/ssh}), and a new key at the next boot when asked,
 * as a reinstalled machine would have. Thread-safe.
 */
final class HostKeys {

    private final String name;
    private final String address;
    private final HostDir dir;
    private String line;
    private boolean renew;

    HostKeys(String name, String address, HostDir dir) {
        this.name = name;
        this.address = address;
        this.dir = dir;
    }

    /** {@code <address> ssh-ed25519 AAAA...}. */
    synchronized String line() {
        return line;
    }

    /** The next boot gets a new key. */
    synchronized void renewAtNextBoot() {
        renew = true;
    }

    /** As a boot starts: makes the new key asked for, if one was. */
    synchronized void beforeBoot(Duration deadline) {
        if (renew) {
            dir.newHostKey(deadline);
            write();
            renew = false;
        }
    }

    /** Reads the host's key and writes its known_hosts line. */
    synchronized void write() {
        line = address + " " + dir.hostPublicKey();
        try {
            Files.writeString(dir.knownHosts(), line + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LabException("Could not write [" + dir.knownHosts() + "] for lab host [" + name + "].", e);
        }
    }
}
