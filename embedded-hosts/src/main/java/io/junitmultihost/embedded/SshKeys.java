package io.junitmultihost.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;

/**
 * Key pairs for hosts and for the client. ECDSA P-256 from the JDK: both JSch and OpenSSH accept
 * it, and it needs no extra security provider (MINA's Ed25519 would need one).
 */
final class SshKeys {

    private SshKeys() {
    }

    /** A new ECDSA P-256 key pair. */
    static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM cannot make an ECDSA P-256 key pair for the embedded hosts.", e);
        }
    }

    /** The OpenSSH known_hosts line for {@code key} served at {@code address:port}: {@code [127.0.0.1]:PORT ecdsa-sha2-nistp256 AAAA...}. */
    static String knownHostsLine(String address, int port, PublicKey key) {
        String host = port == 22 ? address : "[" + address + "]:" + port;
        return host + " " + PublicKeyEntry.toString(key);
    }

    /**
     * Writes {@code pair}'s private key in OpenSSH format to a new file readable only by its
     * owner (0600 where the filesystem has POSIX permissions), as ssh and JSch require.
     */
    static void writePrivateKey(KeyPair pair, Path file) {
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "junit-multihost-embedded", null, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the embedded hosts' client key to [" + file + "].", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not encode the embedded hosts' client key.", e);
        }
    }
}
