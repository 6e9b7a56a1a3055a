package io.junitmultihost.engine.internal.faults;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The names one fault has on a host, unique across runs (a random token per test JVM and a
 * counter), so that a fault's end never removes another's rules.
 *
 * @param number the fault's number within the run
 */
record FaultName(String token, int number) {

    private static final String TOKEN = newToken();

    private static String newToken() {
        byte[] bytes = new byte[3];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static FaultName of(int number) {
        return new FaultName(TOKEN, number);
    }

    /** The nftables table ({@code inet} family). */
    String table() {
        return "junit_multihost_fault_" + token + "_" + number;
    }

    /** The stem of its iptables chains (at most 28 characters with a suffix). */
    String chain() {
        return "JMHF" + token + number;
    }

    /** The stem of its files on the host. */
    String file() {
        return "fault-" + token + "-" + number;
    }
}
