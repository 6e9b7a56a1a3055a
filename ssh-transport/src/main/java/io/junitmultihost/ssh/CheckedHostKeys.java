package io.junitmultihost.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.UserInfo;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host keys one connection attempt checks against: delegates to the known_hosts lines (or
 * file), remembers what the host offered so that a refusal can name both fingerprints, and never
 * writes anything back (JSch would otherwise add or replace keys in the user's known_hosts).
 * When checking is not strict, any key is accepted with a WARN.
 */
final class CheckedHostKeys implements HostKeyRepository {

    private static final Logger LOG = LoggerFactory.getLogger("io.junitmultihost.ssh.hostkeys");

    private final HostKeyRepository known;
    private final boolean strict;
    private final String knownHostsSource;
    private volatile Offer offer;

    /** What the host offered and how it compared to the known keys. */
    record Offer(String host, String type, String fingerprint, int verdict, List<String> expectedFingerprints) {
    }

    CheckedHostKeys(HostKeyRepository known, boolean strict, String knownHostsSource) {
        this.known = known;
        this.strict = strict;
        this.knownHostsSource = knownHostsSource;
    }

    Offer offer() {
        return offer;
    }

    String knownHostsSource() {
        return knownHostsSource;
    }

    @Override
    public int check(String host, byte[] key) {
        int verdict = known.check(host, key);
        String type = keyType(key);
        List<String> expected = new ArrayList<>();
        HostKey[] keys = known.getHostKey(host, null);
        if (keys != null) {
            for (HostKey hostKey : keys) {
                try {
                    expected.add(hostKey.getType() + " " + Fingerprints.sha256OfBase64(hostKey.getKey()));
                } catch (IllegalArgumentException e) {
                    expected.add(hostKey.getType() + " (unreadable key)");
                }
            }
        }
        offer = new Offer(host, type, Fingerprints.sha256(key), verdict, expected);
        if (verdict != OK && !strict) {
            LOG.warn("Accepting host key [{} {}] of host [{}] without checking it, because strict host-key checking"
                    + " is off for this target.", type, Fingerprints.sha256(key), host);
            return OK;
        }
        return verdict;
    }

    /** The algorithm name at the start of an SSH public key blob. */
    private static String keyType(byte[] blob) {
        if (blob.length < 4) {
            return "unknown";
        }
        int length = ((blob[0] & 0xff) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8) | (blob[3] & 0xff);
        if (length <= 0 || length > blob.length - 4) {
            return "unknown";
        }
        return new String(blob, 4, length, java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        // never written back: known_hosts is the caller's, not ours
    }

    @Override
    public void remove(String host, String type) {
    }

    @Override
    public void remove(String host, String type, byte[] key) {
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return knownHostsSource;
    }

    @Override
    public HostKey[] getHostKey() {
        return known.getHostKey();
    }

    @Override
    public HostKey[] getHostKey(String host, String type) {
        return known.getHostKey(host, type);
    }
}
