package io.junitmultihost.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a command on a lab host with the machine's {@code /usr/bin/ssh}: the lab's client key, the
 * host's known_hosts line only, strict host-key checking, no user config, never a prompt.
 */
final class OpenSshClient {

    /** ssh's own exit code for "could not connect or authenticate". */
    static final int SSH_FAILED = 255;

    private OpenSshClient() {
    }

    /**
     * Runs {@code command} as root on {@code address}; from inside {@code namespace} when not null
     * (the host's own namespace, where loopback bypasses the faults a test applied).
     */
    static Exec.Result run(String namespace, String address, Path identity, Path knownHosts, String command, Duration deadline) {
        // Below the deadline, so that ssh reports a connect timeout itself rather than being killed.
        long connectSeconds = Math.max(1, Math.min(10, deadline.toSeconds() - 1));
        List<String> argv = new ArrayList<>();
        if (namespace != null) {
            argv.addAll(List.of("nsenter", "--net=/run/netns/" + namespace));
        }
        argv.addAll(List.of("/usr/bin/ssh", "-F", "/dev/null", "-T",
                "-i", identity.toString(),
                "-o", "IdentitiesOnly=yes",
                "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "ConnectTimeout=" + connectSeconds,
                // OpenSSH 9's default key exchange (sntrup761) costs ~0.1 s of CPU per connection on
                // each side; the lab's own checks prefer the classic curve to boot 100 hosts fast.
                "-o", "KexAlgorithms=curve25519-sha256,curve25519-sha256@libssh.org,sntrup761x25519-sha512@openssh.com",
                "-o", "LogLevel=ERROR",
                "root@" + address, command));
        return Exec.run(deadline, argv);
    }
}
