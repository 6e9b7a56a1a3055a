package io.junitmultihost.ssh;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of JSch's algorithms this JVM lacks, found once. JSch checks on every connection which
 * key exchanges, ciphers and signatures the JDK offers (for each key exchange it makes key pairs):
 * about a millisecond of CPU per connection warm, tens cold, the same answer every time. Here JSch's
 * own checks run once; each session then proposes only what is available and skips the checks.
 * If the checks cannot be run (another JSch), sessions keep checking for themselves.
 */
final class CheckedAlgorithms {

    private static final Logger LOG = LoggerFactory.getLogger("io.junitmultihost.ssh.connect");
    /** JSch's check setting, the private method running it, and the proposals it filters. */
    private static final List<Check> CHECKS = List.of(
            new Check("CheckCiphers", "checkCiphers", List.of("cipher.c2s", "cipher.s2c")),
            new Check("CheckMacs", "checkMacs", List.of("mac.c2s", "mac.s2c")),
            new Check("CheckKexes", "checkKexes", List.of("kex")),
            new Check("CheckSignatures", "checkSignatures", List.of("server_host_key", "PubkeyAcceptedAlgorithms")));
    private static final Map<String, Set<String>> UNAVAILABLE = find();

    private CheckedAlgorithms() {
    }

    /**
     * Sets {@code session}'s proposals to what this JVM offers and turns its own checks off; does
     * nothing when the checks could not be run once, or when an OpenSSH config may change the
     * proposals at connect time (they are checked as JSch does then).
     */
    static void apply(Session session, boolean openSshConfig) {
        if (UNAVAILABLE == null || openSshConfig) {
            return;
        }
        for (Check check : CHECKS) {
            Set<String> missing = UNAVAILABLE.get(check.setting());
            for (String proposal : check.proposals()) {
                String value = session.getConfig(proposal);
                if (value != null && !missing.isEmpty()) {
                    session.setConfig(proposal, Arrays.stream(value.split(",")).filter(a -> !missing.contains(a))
                            .collect(Collectors.joining(",")));
                }
            }
            session.setConfig(check.setting(), "");
        }
    }

    private static Map<String, Set<String>> find() {
        try {
            Session scratch = new JSch().getSession("check", "localhost", 22);
            Map<String, Set<String>> unavailable = new java.util.HashMap<>();
            for (Check check : CHECKS) {
                Method method = Session.class.getDeclaredMethod(check.method(), String.class);
                method.setAccessible(true);
                String[] missing = (String[]) method.invoke(scratch, scratch.getConfig(check.setting()));
                unavailable.put(check.setting(), missing == null ? Set.of() : Set.of(missing));
            }
            LOG.debug("JSch algorithms this JVM lacks, checked once: {}", unavailable);
            return Map.copyOf(unavailable);
        } catch (ReflectiveOperationException | com.jcraft.jsch.JSchException | RuntimeException | LinkageError e) {
            LOG.debug("JSch's algorithm checks could not be run once ({}); every session checks for itself.", e.toString());
            return null;
        }
    }

    private record Check(String setting, String method, List<String> proposals) {
    }
}
