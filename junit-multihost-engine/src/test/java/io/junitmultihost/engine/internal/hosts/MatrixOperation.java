package io.junitmultihost.engine.internal.hosts;

import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.Command;
import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostProcess;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.api.Sync;
import io.junitmultihost.api.SyncRequest;
import io.junitmultihost.api.SyncResult;
import io.junitmultihost.api.SyncState;
import io.junitmultihost.api.Vm;
import io.junitmultihost.api.VmOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An operation of the fault matrix ({@link FaultMatrixIT}): started on a cell's host, brought to
 * where the fault should hit it (in flight), then awaited. Each comes in two variants: a finite
 * one that succeeds within its deadline on a sound host (a few seconds of work), for the cells
 * where the operation is expected to get through; and an endless one (work of 300 s, or a sync
 * partner that never comes) for the cells where the fault must end it, so a failure can only come
 * from the fault or from the deadline, and a remote process that outlives it is seen afterwards.
 */
enum MatrixOperation {

    EXEC("exec", Duration.ofSeconds(10)) {
        @Override
        InFlight start(Context c) {
            CompletableFuture<ExecResult> call = c.callAsync(() -> c.host.exec(Command.shell(
                    "touch /tmp/mx-inflight; sleep " + c.workSeconds() + "; echo done").withDeadline(deadline())));
            c.awaitOnHost("test -e /tmp/mx-inflight");
            return bound -> checked(get(call, bound));
        }
    },
    STREAM("streaming exec", Duration.ofSeconds(10)) {
        @Override
        InFlight start(Context c) {
            List<HostProcess.Line> lines = new CopyOnWriteArrayList<>();
            c.calling();
            HostProcess process = c.host.start(Command.shell("echo start; sleep " + c.workSeconds() + "; echo done")
                    .withDeadline(deadline()), lines::add);
            if (c.waitInFlight) {
                await().atMost(IN_FLIGHT).until(() -> lines.stream().anyMatch(l -> l.text().equals("start")));
            }
            return bound -> checked(process.waitFor(bound));
        }
    },
    UPLOAD("upload", Duration.ofSeconds(15)) {
        @Override
        InFlight start(Context c) throws IOException {
            Path local = c.file(c.finite ? FINITE_BYTES : ENDLESS_BYTES);
            c.host.exec("mkdir", "-p", "/root/mx-up").assertSuccess();
            if (!c.finite && c.lab != null) {
                c.lab.limitBandwidth(ENDLESS_BITS_PER_SECOND);
            }
            CompletableFuture<Void> call = c.callAsync(() -> {
                c.host.upload(local, "/root/mx-up/data.bin", deadline());
                return null;
            });
            c.awaitOnHost("find /root/mx-up -type f -size +0 | grep -q .");
            return bound -> {
                get(call, bound);
                String size = c.host.exec("stat", "-c", "%s", "/root/mx-up/data.bin").stdout().strip();
                if (Long.parseLong(size) != Files.size(local)) {
                    throw new OperationFailed("uploaded [" + size + "] bytes of [" + Files.size(local) + "]");
                }
                return "uploaded " + size + " bytes";
            };
        }
    },
    DOWNLOAD("download", Duration.ofSeconds(15)) {
        @Override
        InFlight start(Context c) throws IOException {
            long bytes = c.finite ? FINITE_BYTES : ENDLESS_BYTES;
            c.host.exec("sh", "-c", "head -c " + bytes + " /dev/urandom > /root/mx-down.bin").assertSuccess();
            if (!c.finite && c.lab != null) {
                c.lab.limitBandwidth(ENDLESS_BITS_PER_SECOND);
            }
            Path target = Files.createDirectories(c.dir.resolve("download")).resolve("data.bin");
            CompletableFuture<Void> call = c.callAsync(() -> {
                c.host.download("/root/mx-down.bin", target, deadline());
                return null;
            });
            if (c.waitInFlight) {
                await().atMost(IN_FLIGHT).until(() -> sizeUnder(target.getParent()) > 0);
            }
            return bound -> {
                get(call, bound);
                if (Files.size(target) != bytes) {
                    throw new OperationFailed("downloaded [" + Files.size(target) + "] bytes of [" + bytes + "]");
                }
                return "downloaded " + bytes + " bytes";
            };
        }
    },
    REMSYNC("remsync", Duration.ofSeconds(15)) {
        @Override
        InFlight start(Context c) {
            Sync sync = c.cluster.sync();
            String others = c.finite ? "controller" : "controller," + ABSENT;
            HostProcess onHost = c.host.start(Command.shell("\"$MH\" sync meet-" + c.host.name() + " --participants " + others + " --timeout 60s")
                    .withEnv("MH", sync.script(c.host)).withDeadline(Duration.ofSeconds(90)));
            if (c.finite) {
                // the host waits at the syncpoint; the test JVM comes and both go on
                if (c.waitInFlight) {
                    awaitArrived(sync, "meet-" + c.host.name(), c.host.name());
                }
                return bound -> {
                    c.calling();
                    SyncResult result = sync.sync(SyncRequest.to("meet-" + c.host.name()).with(c.host.name()).timeout(deadline()));
                    if (!result.success()) {
                        throw new OperationFailed(result.reason() + " " + result.states());
                    }
                    return checked(onHost.waitFor(deadline())) + ", synced";
                };
            }
            // the host and the test JVM wait at the syncpoint for a participant that never comes
            c.calling();
            CompletableFuture<SyncResult> controller = sync.syncAsync(SyncRequest.to("meet-" + c.host.name()).with(c.host.name(), ABSENT)
                    .timeout(deadline()));
            awaitArrived(sync, "meet-" + c.host.name(), c.host.name());
            return bound -> {
                SyncResult result = get(controller, bound);
                if (result.success()) {
                    return "synced";
                }
                throw new OperationFailed(result.reason() + " " + result.states());
            };
        }
    },
    WAIT_READY("wait_ready", Duration.ofSeconds(15)) {
        @Override
        InFlight start(Context c) {
            Sync sync = c.cluster.sync();
            List<String> members = c.finite ? List.of(Sync.CONTROLLER, c.host.name())
                    : List.of(Sync.CONTROLLER, c.host.name(), ABSENT);
            HostProcess onHost = c.host.start(Command.shell("\"$MH\" ready --participants " + String.join(",", members)
                    + " --timeout 60s").withEnv("MH", sync.script(c.host)).withDeadline(Duration.ofSeconds(90)));
            c.awaitOnHost("pgrep -f '[c]luster/ready' >/dev/null");
            CompletableFuture<Map<String, String>> controller = c.callAsync(() -> sync.clusterState().waitReady(members, deadline()));
            return bound -> {
                Map<String, String> states = get(controller, bound);
                if (c.finite) {
                    checked(onHost.waitFor(deadline()));
                }
                return "ready " + states;
            };
        }
    },
    REBOOT_WAIT("reboot wait", Duration.ofSeconds(30)) {
        @Override
        InFlight start(Context c) {
            c.calling();
            // bounded like the wait: a class that ends with the reboot unfinished waits for it at most that long
            Reboot reboot = c.host.reboot(RebootOptions.defaults().withUpTimeout(deadline()));
            return bound -> {
                c.awaiting();
                return "back with boot id " + reboot.awaitUp(deadline()).substring(0, 8);
            };
        }
    },
    PROCESS("remote process", Duration.ofSeconds(10)) {
        @Override
        InFlight start(Context c) {
            c.calling();
            HostProcess process = c.host.startDetached(Command.shell("sleep " + c.workSeconds() + "; echo done"));
            return bound -> {
                c.awaiting();
                return checked(process.waitFor(deadline()));
            };
        }
    },
    VM("remote JVM", Duration.ofSeconds(10)) {
        @Override
        InFlight start(Context c) {
            Vm vm = c.cluster.vms().launch(c.host, 1, VmOptions.named("mx")).get(0);
            long seconds = c.workSeconds();
            c.calling();
            CompletableFuture<String> call = vm.invokeAsync(() -> VmWork.sleep(seconds), deadline());
            c.awaitOnHost("test -e /tmp/mx-vm-inflight");
            return bound -> get(call, bound);
        }
    };

    /** A participant that never arrives: what keeps the endless syncs waiting. */
    static final String ABSENT = "absent";
    static final long FINITE_BYTES = 1L << 20;
    static final long ENDLESS_BYTES = 32L << 20;
    /** 32 MiB at 8 Mbit/s take 33 s: longer than the transfer deadlines. */
    static final long ENDLESS_BITS_PER_SECOND = 8_000_000;
    static final Duration IN_FLIGHT = Duration.ofSeconds(30);

    private final String title;
    private final Duration deadline;

    MatrixOperation(String title, Duration deadline) {
        this.title = title;
        this.deadline = deadline;
    }

    String title() {
        return title;
    }

    /** The deadline the operation is given. */
    Duration deadline() {
        return deadline;
    }

    /** Starts the operation on the context's host; returns once it is in flight (when the context asks for that). */
    abstract InFlight start(Context c) throws Exception;

    /** An operation in flight. */
    interface InFlight {
        /** Waits at most {@code bound} for the outcome: a note on success, a failure thrown as it came. */
        String await(Duration bound) throws Exception;
    }

    /** A failure the operation reported as a value (an exit code, a failed sync) rather than an exception. */
    static final class OperationFailed extends RuntimeException {
        OperationFailed(String message) {
            super(message);
        }
    }

    /** The operation ran past the matrix's bound: a hang. */
    static final class Hung extends RuntimeException {
        Hung(Duration bound) {
            super("no outcome within [" + bound.toSeconds() + " s]");
        }
    }

    /** What an operation needs: its host, its class's cluster, its variant and a local directory. */
    static final class Context {
        final Host host;
        /** The lab's controls of the host; null in a test JVM without the lab (the caller limits bandwidth). */
        final LabControl lab;
        final Cluster cluster;
        final boolean finite;
        final boolean waitInFlight;
        final Path dir;
        private final Runnable beforeTheCall;
        private volatile long called;

        /**
         * @param beforeTheCall run right before the call the deadline bounds, after what the
         *     operation sets up (a steady fault goes on there)
         */
        Context(Host host, LabControl lab, Cluster cluster, boolean finite, boolean waitInFlight, Path dir,
                Runnable beforeTheCall) {
            this.host = host;
            this.lab = lab;
            this.cluster = cluster;
            this.finite = finite;
            this.waitInFlight = waitInFlight;
            this.dir = dir;
            this.beforeTheCall = beforeTheCall;
        }

        /**
         * Makes the call the deadline bounds on a thread of its own, noted as starting right there:
         * a test thread held up between noting and calling (a stall of this shared machine) would
         * count against the call's deadline time the call never had.
         */
        <T> CompletableFuture<T> callAsync(java.util.function.Supplier<T> call) {
            return CompletableFuture.supplyAsync(() -> {
                calling();
                return call.get();
            });
        }

        /** Notes that the call the deadline bounds starts now. */
        void calling() {
            beforeTheCall.run();
            called = System.nanoTime();
        }

        /** Notes that the wait the deadline bounds starts now, after a call that only asked for something (a reboot, a start). */
        void awaiting() {
            called = System.nanoTime();
        }

        /** When the call the deadline bounds started ({@link System#nanoTime()}); 0 before. */
        long called() {
            return called;
        }

        long workSeconds() {
            return finite ? 3 : 300;
        }

        Path file(long bytes) throws IOException {
            Path file = dir.resolve("upload-" + bytes + ".bin");
            if (!Files.exists(file)) {
                byte[] block = new byte[1 << 20];
                new java.util.Random(bytes).nextBytes(block);
                try (var out = Files.newOutputStream(file)) {
                    for (long written = 0; written < bytes; written += block.length) {
                        out.write(block);
                    }
                }
            }
            return file;
        }

        /** Waits until {@code test} succeeds on the host (through the engine), when the context waits for in flight. */
        void awaitOnHost(String test) {
            if (waitInFlight) {
                await().atMost(IN_FLIGHT).ignoreExceptions()
                        .until(() -> host.exec(List.of("sh", "-c", test), Duration.ofSeconds(10)).succeeded());
            }
        }
    }

    private static void awaitArrived(Sync sync, String syncpoint, String participant) {
        await().atMost(IN_FLIGHT).until(() -> sync.status(syncpoint).map(SyncResult::states).orElse(Map.of())
                .get(participant) == SyncState.SYNCED_YES);
    }

    private static long sizeUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (UncheckedIOException e) {
            return 0;
        }
    }

    private static String checked(ExecResult result) {
        if (result.exitCode() != 0) {
            throw new OperationFailed("exit code [" + result.exitCode() + "], stderr [" + result.stderr().strip() + "]");
        }
        return "exit 0";
    }

    private static <T> T get(CompletableFuture<T> future, Duration bound) throws Exception {
        try {
            return future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } catch (java.util.concurrent.TimeoutException e) {
            future.cancel(true);
            throw new Hung(bound);
        }
    }
}
