package io.junitmultihost.engine.internal.vm;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.ssh.ShellQuote;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A class-data sharing archive (AppCDS, {@code -XX:ArchiveClassesAtExit}) of what a remote JVM loads
 * to start and to take its first invocation, made once per host, {@code java} and classpath, kept
 * beside the classpath's jars. A JVM started with it skips loading and verifying those classes, so a
 * restart costs little more than a JVM start. Where the archive cannot be made, JVMs start without.
 */
final class ClassArchive {

    private static final Logger LOG = LoggerFactory.getLogger(ClassArchive.class);

    private ClassArchive() {
    }

    /** The archive's path on {@code host}, made now if missing; empty when it cannot be made there. */
    static String ensureOn(Host host, String java, String classpath, String home, Duration deadline) {
        String path = home + "/" + TestClasspath.REMOTE_DIR + "/agent-" + hash(java + "\n" + classpath) + ".jsa";
        String script = "[ -s " + ShellQuote.quote(path) + " ] && exit 0\n"
                + ShellQuote.quote(java) + " -XX:ArchiveClassesAtExit=" + ShellQuote.quote(path + ".part") + " -cp "
                + ShellQuote.quote(classpath) + " " + VmAgent.class.getName() + " --train > /dev/null 2>&1"
                + " && [ -s " + ShellQuote.quote(path + ".part") + " ] && mv -f " + ShellQuote.quote(path + ".part") + " "
                + ShellQuote.quote(path) + " && exit 0\n"
                + "rm -f " + ShellQuote.quote(path + ".part") + "; exit 1\n";
        try {
            ExecResult made = host.exec(Command.shell(script).withDeadline(deadline));
            if (made.succeeded()) {
                return path;
            }
            LOG.debug("Host [{}]: no class-data archive for remote JVMs (exit [{}]); they start without.", host.name(),
                    made.exitCode());
        } catch (MultiHostException e) {
            LOG.debug("Host [{}]: no class-data archive for remote JVMs: {}", host.name(), e.getMessage());
        }
        return "";
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
