package io.junitmultihost.sync;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The command line of a standalone server: parses options, writes the token file, serves until stopped. */
final class SyncServerMain {

    private static final String USAGE = "Usage: java -jar junit-multihost-barrier-server-standalone.jar "
            + "[--bind ADDR] [--port N] [--token-file PATH] [--print-script]";

    private SyncServerMain() {
    }

    /**
     * @param runFor how long to serve; zero serves until the process is stopped
     * @return the exit status
     */
    static int run(String[] args, PrintStream out, PrintStream err, Duration runFor) {
        SyncServerConfig.Builder config = SyncServerConfig.builder();
        Path tokenFile = Paths.get("mh-sync.token");
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--bind":
                        config.bindAddress(args[++i]);
                        break;
                    case "--port":
                        config.port(Integer.parseInt(args[++i]));
                        break;
                    case "--token-file":
                        tokenFile = Paths.get(args[++i]);
                        break;
                    case "--print-script":
                        out.print(SyncServer.script());
                        return 0;
                    case "--help":
                        out.println(USAGE);
                        return 0;
                    default:
                        err.println("Unknown option [" + args[i] + "]. " + USAGE);
                        return 2;
                }
            }
            config.token(readOrCreateToken(tokenFile));
        } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
            err.println((e.getMessage() == null ? "An option lacks its value." : e.getMessage()) + " " + USAGE);
            return 2;
        } catch (UnsafeTokenFile e) {
            err.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("Could not read or write the token file [" + tokenFile + "]: " + e.getMessage());
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (SyncServer server = SyncServer.start(config.build())) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "mh-sync-shutdown"));
            out.println("MH_SYNC_URL=" + server.scope().endpoint().url());
            out.println("MH_SYNC_TOKEN_FILE=" + tokenFile.toAbsolutePath());
            out.flush();
            if (runFor.isZero()) {
                stop.await();
            } else {
                stop.await(runFor.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            err.println(e.getMessage());
            return 1;
        }
        return 0;
    }

    /**
     * Keeps the token out of process lists and logs: in a file only its owner reads. A file that is
     * there already is used only when it is a plain file of ours that no one else may read or write.
     */
    private static String readOrCreateToken(Path file) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            checkPrivate(file);
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        String token = SyncServer.newToken();
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file); // Not a POSIX file system: default permissions.
        }
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
        return token;
    }

    private static void checkPrivate(Path file) throws IOException {
        if (Files.isSymbolicLink(file)) {
            throw new UnsafeTokenFile("The token file [" + file + "] is a symbolic link; name the file itself.");
        }
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            return; // Not a POSIX file system: nothing to check.
        }
        if (!attributes.isRegularFile()) {
            throw new UnsafeTokenFile("The token file [" + file + "] is not a regular file.");
        }
        UserPrincipal me = file.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
        if (!attributes.owner().equals(me)) {
            throw new UnsafeTokenFile("The token file [" + file + "] belongs to [" + attributes.owner().getName() + "], not to ["
                    + me.getName() + "] who runs the server; remove it, or name a file of your own.");
        }
        Set<PosixFilePermission> others = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
        others.retainAll(attributes.permissions());
        if (!others.isEmpty()) {
            throw new UnsafeTokenFile("The token file [" + file + "] can be read or written by others ("
                    + PosixFilePermissions.toString(attributes.permissions()) + "); run chmod 600 on it, or remove it for a new token.");
        }
    }

    /** A token file the server will not use; the message says why and what to do. */
    private static final class UnsafeTokenFile extends IOException {
        private static final long serialVersionUID = 1L;

        UnsafeTokenFile(String message) {
            super(message);
        }
    }
}
