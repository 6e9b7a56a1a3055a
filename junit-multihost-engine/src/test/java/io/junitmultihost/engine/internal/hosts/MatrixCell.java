package io.junitmultihost.engine.internal.hosts;

import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.Command;
import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.Host;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One cell of the fault matrix: an operation on a lab host of its own, a fault while it runs (or,
 * for a steady fault, from right before its call), the outcome and how long it took, an operation
 * on another host meanwhile, the host's sync after the fault is lifted, and what is left on the host.
 */
final class MatrixCell {

    /** Over the operation's deadline, how long the matrix waits for an outcome before it calls it a hang. */
    static final Duration HANG = Duration.ofSeconds(60);
    /** What lists the processes an operation may leave on a host: its command, mh-sync and curl, a remote JVM. */
    static final String PROCESSES = "ps -eo pid=,args= | grep -E 'sleep (3|300)$|[m]h-sync|[c]url|[V]mAgent' | grep -v grep; true";
    /** What lists the ports listening on a host other than sshd's: forwards (the sync's, a remote JVM's) and remote JVMs. */
    static final String FORWARDS = "ss -Htln | awk '$4 !~ /:22$/ {print \"listening \" $4}'";
    /** What lists the files on a host that hold a token: the class's sync.env, the remote JVMs' token files. */
    static final String KEY_FILES = "ls -d /root/.multihost/sync.env /root/.junit-multihost/vms/*/token 2>/dev/null; true";
    /** What is left once a class ended: processes and forwards (files holding keys are looked at apart). */
    static final String LEFTOVERS = PROCESSES + "; " + FORWARDS;
    /** How long what an operation started may take to end once its class ended. */
    static final Duration SETTLE = Duration.ofSeconds(20);

    private final MatrixFault fault;
    private final MatrixOperation operation;
    private final Expected expected;

    MatrixCell(MatrixFault fault, MatrixOperation operation) {
        this.fault = fault;
        this.operation = operation;
        this.expected = expected(fault, operation);
    }

    /**
     * How an operation is expected to end under the fault. It gets through where the fault takes
     * nothing it needs: a detached process and a remote JVM outlive a lost SSH connection (the JVM's
     * connection is opened again); a reboot wait sees its host back whether the host went down by
     * the reboot asked for, by a crash or by a second reboot. Killing sshd just after a reboot was
     * asked for may kill the session that carries the ask before the host acted on it: then no
     * reboot comes, and the wait fails in phase REQUESTED.
     * Under 30% loss an operation usually gets through, slower, but a connection may not be made
     * (or kept) within the deadline: either way, within the deadline. Elsewhere it fails.
     */
    static Expected expected(MatrixFault fault, MatrixOperation operation) {
        return switch (fault) {
            case LOSS_30 -> Expected.EITHER;
            case SSHD_KILLED -> operation == MatrixOperation.REBOOT_WAIT ? Expected.EITHER
                    : Set.of(MatrixOperation.PROCESS, MatrixOperation.VM).contains(operation) ? Expected.SUCCEEDS : Expected.FAILS;
            case HOST_CRASHED, HOST_REBOOTED -> operation == MatrixOperation.REBOOT_WAIT ? Expected.SUCCEEDS : Expected.FAILS;
            default -> Expected.FAILS;
        };
    }

    /** How a cell's operation is expected to end. */
    enum Expected {
        /** It gets through the fault. */
        SUCCEEDS,
        /** The fault ends it: a failure naming the host within the deadline. */
        FAILS,
        /** It usually gets through, slower; when it fails, as {@link #FAILS} says. */
        EITHER
    }

    MatrixFault fault() {
        return fault;
    }

    MatrixOperation operation() {
        return operation;
    }

    /**
     * Whether the cell needs a class of its own: lkp's ready wait takes the class's cluster
     * members from its first call, so each wait_ready cell has its own sync server.
     */
    boolean ownClass() {
        return operation == MatrixOperation.WAIT_READY;
    }

    /** Leases the cell's host as a class of its own. */
    HostLease lease(HostPool pool) {
        return pool.lease("fault matrix: " + operation.title() + " / " + fault.title(), List.of(new RoleDeclaration("node", 1, 1)));
    }

    /**
     * Runs the cell on {@code host} of {@code cluster}. With {@code ownLease} (the cell's class) it
     * ends the class and then looks for leftovers; otherwise it looks for what the operation left
     * beyond what was there before it, but not for a remote process or JVM, which live until their
     * class ends by design ({@link #leftoversAfterTheClass}).
     */
    CellResult run(HostLease ownLease, Cluster cluster, Host host, Host other, Path dir) {
        CellResult.Builder result = new CellResult.Builder(fault.title(), operation.title(), operation.deadline(), expected);
        LabControl lab = LabControl.of(host);
        result.host(host.name());
        AtomicReference<CompletableFuture<Void>> injected = new AtomicReference<>(CompletableFuture.completedFuture(null));
        String before = "";
        try {
            cluster.sync().script(host); // the class's sync is set up on the host before the baseline
            before = ownLease != null ? "" : lab.exec(PROCESSES, Duration.ofSeconds(10));
            MatrixOperation.Context context = new MatrixOperation.Context(host, lab, cluster, expected != Expected.FAILS,
                    !fault.beforeTheOperation(), Files.createDirectories(dir.resolve(host.name())), () -> {
                        if (fault.beforeTheOperation()) {
                            injected.set(fault.inject(lab));
                        }
                    });
            MatrixOperation.InFlight inFlight = operation.start(context);
            long injectedAt = System.nanoTime();
            if (!fault.beforeTheOperation()) {
                injected.set(fault.inject(lab));
            }
            CompletableFuture<String> elsewhere = CompletableFuture.supplyAsync(() -> otherHostAnswers(other));
            try {
                result.succeeded(inFlight.await(operation.deadline().plus(HANG)));
            } catch (MatrixOperation.Hung e) {
                result.hung(e.getMessage());
            } catch (Exception e) {
                result.failed(e);
            }
            long ended = System.nanoTime();
            // a steady fault went on right before the call
            long faulted = fault.beforeTheOperation() ? context.called() : injectedAt;
            result.timing(Duration.ofNanos(ended - context.called()), Duration.ofNanos(ended - faulted));
            result.otherHost(elsewhere.get(60, TimeUnit.SECONDS));
        } catch (Exception | AssertionError e) {
            result.broken("the cell itself broke: " + e);
        } finally {
            try {
                fault.recover(lab, injected.get());
                result.syncAfterwards(syncServes(cluster, host));
            } catch (Exception | AssertionError e) {
                result.broken("the host did not come back: " + e);
            }
            if (ownLease != null) {
                ownLease.close();
            }
        }
        if (ownLease != null) {
            result.leftovers(leftovers(lab, LEFTOVERS, ""));
            result.keyFiles(keyFiles(lab));
        } else if (!Set.of(MatrixOperation.PROCESS, MatrixOperation.VM).contains(operation)) {
            result.leftovers(leftovers(lab, PROCESSES, before));
        }
        return result.build();
    }

    /** What is left on {@code host} once its class ended (empty: nothing), for the cells that shared a class. */
    static String leftoversAfterTheClass(Host host) {
        return leftovers(LabControl.of(host), LEFTOVERS, "");
    }

    /** The files holding a token on the host (empty: none), looked at once its class ended. */
    static String keyFiles(LabControl lab) {
        try {
            return lab.exec(KEY_FILES, Duration.ofSeconds(10)).strip().replace('\n', ';');
        } catch (RuntimeException e) {
            return "could not look: " + e.getMessage();
        }
    }

    private static String otherHostAnswers(Host other) {
        long start = System.nanoTime();
        try {
            ExecResult answer = other.exec(List.of("echo", "ok"), Duration.ofSeconds(10));
            return answer.stdout().equals("ok\n") ? "ok in " + (System.nanoTime() - start) / 1_000_000 + " ms"
                    : "answered [" + answer.stdout().strip() + "]";
        } catch (RuntimeException e) {
            return "FAILED: " + e.getMessage();
        }
    }

    /** The host's mh-sync reaches its class's sync server again (through its forward), and the test JVM sees what it set. */
    private static String syncServes(Cluster cluster, Host host) {
        long start = System.nanoTime();
        String key = "mx/after/" + host.name();
        String[] script = {null};
        try {
            await().atMost(SETTLE).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                script[0] = cluster.sync().script(host);
                return true;
            });
            await().atMost(SETTLE).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> host.exec(Command.shell(
                    "\"$MH\" set " + key + " ok").withEnv("MH", script[0]).withDeadline(Duration.ofSeconds(10))).succeeded());
            String seen = cluster.sync().clusterState().get(key).orElse("nothing");
            return seen.equals("ok") ? "ok in " + (System.nanoTime() - start) / 1_000_000 + " ms" : "FAILED: the test JVM read [" + seen + "]";
        } catch (ConditionTimeoutException e) {
            if (script[0] == null) {
                return "FAILED: the host's sync script could not be had " + SETTLE.toSeconds() + " s after the fault was lifted";
            }
            try {
                ExecResult last = host.exec(Command.shell("\"$MH\" set " + key + " ok").withEnv("MH", script[0])
                        .withDeadline(Duration.ofSeconds(10)));
                return "FAILED: mh-sync on the host still fails " + SETTLE.toSeconds() + " s after the fault was lifted: exit "
                        + last.exitCode() + " " + last.stderr().strip();
            } catch (RuntimeException still) {
                return "FAILED: the host cannot be reached through the engine " + SETTLE.toSeconds()
                        + " s after the fault was lifted: " + still.getMessage();
            }
        }
    }

    /**
     * What is on the host (seen from this machine, apart from the engine) and was not in
     * {@code before}, once it had {@link #SETTLE} to end; empty for nothing.
     */
    private static String leftovers(LabControl lab, String listing, String before) {
        String[] seen = {""};
        try {
            await().atMost(SETTLE).pollInterval(Duration.ofMillis(500)).until(() -> {
                seen[0] = newLines(lab.exec(listing, Duration.ofSeconds(10)), before);
                return seen[0].isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            return seen[0].replace('\n', ';');
        } catch (RuntimeException e) {
            return "could not look: " + e.getMessage();
        }
        return "";
    }

    /** The lines of {@code now} that {@code before} does not have. */
    static String newLines(String now, String before) {
        List<String> old = List.of(before.split("\n"));
        return java.util.Arrays.stream(now.split("\n")).filter(l -> !l.isBlank() && !old.contains(l))
                .collect(java.util.stream.Collectors.joining("\n"));
    }
}
