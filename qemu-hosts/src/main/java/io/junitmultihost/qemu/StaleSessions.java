package io.junitmultihost.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session directories of provider JVMs that died without running their shutdown hook (killed
 * with SIGKILL): their machines died with them (QEMU's parent-death signal), but their disks (a
 * shared Java disk is about 250 MiB) stayed. Each session names its JVM in a file {@value #OWNER}
 * (pid and start time, so a reused pid is no owner); a new provider removes the sessions whose
 * JVM is gone, and only directories of this user that carry such a file.
 */
final class StaleSessions {

    private static final Logger LOG = LoggerFactory.getLogger(StaleSessions.class);
    static final String PREFIX = "junit-multihost-qemu-";
    static final String OWNER = "owner";

    private StaleSessions() {
    }

    /** Marks {@code session} as this JVM's. */
    static void own(Path session) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        Files.writeString(session.resolve(OWNER), self.pid() + " " + self.info().startInstant().map(Instant::toString).orElse("-") + "\n",
                StandardCharsets.UTF_8);
    }

    /** Removes the sessions in {@code tmp} whose JVM is gone. */
    static void removeIn(Path tmp) {
        try (DirectoryStream<Path> sessions = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            UserPrincipal self = tmp.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name"));
            for (Path session : sessions) {
                Path owner = session.resolve(OWNER);
                // Only this user's: another user's directory of that name is not ours to remove, whatever it says.
                if (Files.isDirectory(session, LinkOption.NOFOLLOW_LINKS)
                        && self.equals(Files.getOwner(session, LinkOption.NOFOLLOW_LINKS))
                        && Files.isRegularFile(owner, LinkOption.NOFOLLOW_LINKS)
                        && !alive(Files.readString(owner, StandardCharsets.UTF_8).strip())) {
                    LOG.info("Removing [{}], the session of a JVM that died without closing its qemu provider", session);
                    Kernels.delete(session);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not look for stale QEMU sessions in [{}]: {}", tmp, e.toString());
        }
    }

    private static boolean alive(String owner) {
        String[] parts = owner.split(" ");
        try {
            Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(parts[0]));
            return process.isPresent() && process.get().isAlive() && (parts.length < 2 || parts[1].equals("-")
                    || process.get().info().startInstant().map(Instant::toString).map(parts[1]::equals).orElse(true));
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
