package io.junitmultihost.lab;

import static org.junit.jupiter.api.Assertions.fail;

import io.junitmultihost.testsupport.MustNotSkip;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** Starting labs in tests: they fail when the lab cannot run and skipping is not allowed ({@link MustNotSkip}), and skip (saying why) elsewhere. */
final class LabTestSupport {

    static final Duration SSH = Duration.ofSeconds(20);

    private LabTestSupport() {
    }

    /** Fails (CI, root) or skips (elsewhere) when this machine cannot run a lab. */
    static void requireLab() {
        LabEnvironment.problem().ifPresent(problem -> MustNotSkip.cannotRun("the lab cannot run here: " + problem));
    }

    static Lab start(LabOptions.Builder options) {
        requireLab();
        return Lab.start(options.build());
    }

    /** How a TCP connect to {@code address:22} within {@code timeout} ends: "connected", "refused" or "timeout". */
    static String connect(String address, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, 22), (int) timeout.toMillis());
            return "connected";
        } catch (java.net.SocketTimeoutException e) {
            return "timeout";
        } catch (java.net.ConnectException e) {
            return e.getMessage() != null && e.getMessage().contains("refused") ? "refused" : "error: " + e.getMessage();
        } catch (IOException e) {
            return "error: " + e.getMessage();
        }
    }

    /** Polls {@code condition} every 100 ms until it holds; fails naming {@code what} past {@code deadline}. */
    static void await(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("Waited " + deadline + " for " + what + ".");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("Interrupted while waiting for " + what + ".");
            }
        }
    }

    /** What of lab {@code id} remains on this machine: namespaces, links, init processes, files, registry entry. */
    static List<String> remains(String id, Path labDir) {
        List<String> found = LabNetwork.namespaces().stream().filter(n -> n.startsWith(LabNetwork.PREFIX + id)).collect(Collectors.toList());
        LabNetwork.links().stream().filter(n -> n.startsWith(LabNetwork.PREFIX + id)).forEach(found::add);
        Leftovers.inits(labDir).forEach(pid -> found.add("process " + pid));
        if (Files.exists(labDir)) {
            found.add(labDir.toString());
        }
        if (Files.exists(Leftovers.REGISTRY.resolve(id))) {
            found.add(Leftovers.REGISTRY.resolve(id).toString());
        }
        return found;
    }

    /** This machine's boot id. */
    static String machineBootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
