package io.junitmultihost.benchmarks;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import io.junitmultihost.spi.HostSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key exchange and ciphers a client negotiated with a lab host, read from the client itself:
 * JSch's session, or OpenSSH's debug log. The SSH benchmarks run OpenSSH with ours (so that a ratio
 * does not measure algorithm choice) and with its defaults (labelled as such), and put both in
 * their JSON.
 *
 * @param kex the key exchange
 * @param cipherC2S the client-to-server cipher
 * @param cipherS2C the server-to-client cipher
 * @param macC2S the client-to-server MAC ({@code <implicit>} for an AEAD cipher)
 */
record Algorithms(String kex, String cipherC2S, String cipherS2C, String macC2S) {

    private static final Pattern KEX = Pattern.compile("kex: algorithm: (\\S+)");
    private static final Pattern CIPHER = Pattern.compile("kex: (client->server|server->client) cipher: (\\S+) MAC: (\\S+)");

    /** The cipher, or both directions' when they differ. */
    String cipher() {
        return cipherC2S.equals(cipherS2C) ? cipherC2S : cipherC2S + "/" + cipherS2C;
    }

    /**
     * What the transport's JSch negotiates with the host: a JSch session set up as the transport's
     * Connector sets one up (JSch's own algorithm lists; the transport sets none), read after connect.
     */
    static Algorithms ofJsch(HostSpec spec, Path knownHosts) {
        Session session = null;
        try {
            JSch jsch = new JSch();
            jsch.addIdentity(spec.identityFile().orElseThrow().toString());
            jsch.setKnownHosts(knownHosts.toString());
            session = jsch.getSession(spec.user(), spec.address(), spec.port());
            session.setConfig("StrictHostKeyChecking", "yes");
            session.setConfig("PreferredAuthentications", "publickey");
            session.connect(30_000);
            String mac = session.getMacAlgorithmC2S();
            boolean aead = session.getCipherAlgorithmC2S().contains("gcm") || session.getCipherAlgorithmC2S().contains("poly1305");
            return new Algorithms(session.getKexAlgorithm(), session.getCipherAlgorithmC2S(), session.getCipherAlgorithmS2C(),
                    aead ? "<implicit>" : mac);
        } catch (JSchException e) {
            throw new IllegalStateException("Could not read the algorithms JSch negotiates with " + spec.name() + ": "
                    + e.getMessage(), e);
        } finally {
            if (session != null) {
                session.disconnect();
            }
        }
    }

    /**
     * What OpenSSH's client negotiates with these options: {@code ssh -v} run once, fresh, with
     * {@code argv} (an {@link SshBenchSupport#ssh} command line ending in target and command), its
     * debug log read. A ControlMaster started with the same options negotiates the same.
     */
    static Algorithms ofOpenSsh(List<String> argv) {
        List<String> verbose = new ArrayList<>(argv);
        verbose.replaceAll(word -> word.equals("LogLevel=ERROR") ? "LogLevel=DEBUG1" : word);
        try {
            Process process = new ProcessBuilder(verbose).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", verbose) + " failed: " + log);
            }
            Matcher kex = KEX.matcher(log);
            String c2s = null;
            String s2c = null;
            String mac = null;
            Matcher cipher = CIPHER.matcher(log);
            while (cipher.find()) {
                if (cipher.group(1).equals("client->server")) {
                    c2s = cipher.group(2);
                    mac = cipher.group(3);
                } else {
                    s2c = cipher.group(2);
                }
            }
            if (!kex.find() || c2s == null || s2c == null) {
                throw new IllegalStateException("OpenSSH's debug log names no key exchange or cipher: " + log);
            }
            return new Algorithms(kex.group(1), c2s, s2c, mac);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** OpenSSH options that offer only these algorithms. */
    String[] openSshOptions() {
        List<String> options = new ArrayList<>(List.of("-o", "KexAlgorithms=" + kex, "-o",
                "Ciphers=" + (cipherC2S.equals(cipherS2C) ? cipherC2S : cipherC2S + "," + cipherS2C)));
        if (!macC2S.equals("<implicit>")) {
            options.addAll(List.of("-o", "MACs=" + macC2S));
        }
        return options.toArray(String[]::new);
    }

    /** Fails unless {@code other} negotiated the same key exchange and ciphers. */
    void requireSame(Algorithms other, String what) {
        if (!kex.equals(other.kex) || !cipherC2S.equals(other.cipherC2S) || !cipherS2C.equals(other.cipherS2C)) {
            throw new IllegalStateException(what + " negotiated " + other + ", not " + this
                    + "; the comparison would measure algorithm choice.");
        }
    }

    /** Adds {@code PREFIX_kex} and {@code PREFIX_cipher}. */
    void putJson(Map<String, Object> json, String prefix) {
        json.put(prefix + "_kex", kex);
        json.put(prefix + "_cipher", cipher());
    }

    /** Concatenates option arrays. */
    static String[] with(String[] first, String... rest) {
        String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }
}
