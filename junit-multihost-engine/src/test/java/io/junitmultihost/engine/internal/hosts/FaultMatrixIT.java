package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.Host;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import io.junitmultihost.spi.HostSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault matrix (docs/RELIABILITY.md) on real OpenSSH lab hosts: every {@link MatrixFault}
 * crossed with every {@link MatrixOperation}, each cell on a host of its own leased as a class of
 * its own, all cells at once; then the test JVM killed with SIGKILL while every operation is in
 * flight. Each cell must end as {@link MatrixCell#expectSuccess} says, a failure naming the host
 * within the operation's deadline, with another host answering meanwhile, the host's sync working
 * once the fault is lifted, and nothing of the operation left on the host. The figures go to
 * {@code target/fault-matrix.md}, the table docs/RELIABILITY.md shows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultMatrixIT {

    static final String KILLED = "test JVM killed (SIGKILL)";
    /** How long what a killed test JVM started may take to end on its hosts: a remote JVM's lease (10 s) and a little. */
    static final Duration ORPHANS_END = Duration.ofSeconds(15);
    private static final Path REPORT = Path.of("target", "fault-matrix.md");

    private HostPool pool;
    private HostLease sharedClass;
    private final List<CellResult> results = new ArrayList<>();
    private String labId;

    @BeforeAll
    void runTheMatrix(@TempDir Path dir) throws Exception {
        MustNotSkip.requireLab();
        long start = System.nanoTime();
        List<MatrixCell> cells = new ArrayList<>();
        List<String> only = Arrays.stream(System.getProperty("fault-matrix.only", "").split(","))
                .filter(s -> !s.isBlank()).toList();
        for (MatrixFault fault : MatrixFault.values()) {
            for (MatrixOperation operation : MatrixOperation.values()) {
                if (only.isEmpty() || only.contains(fault.name()) || only.contains(operation.name())
                        || only.contains(operation.name() + "/" + fault.name())) {
                    cells.add(new MatrixCell(fault, operation));
                }
            }
        }
        boolean killedRow = only.isEmpty() || only.contains("KILLED");
        int hosts = cells.size() + (killedRow ? MatrixOperation.values().length : 0) + 1;
        pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "lab", "multihost.lab.down-time", "1s",
                "multihost.lab.hosts", Integer.toString(hosts), "multihost.lab.max-hosts", Integer.toString(hosts),
                "multihost.hosts.timeout", "5m", "multihost.lab.boot-timeout", "2m")));
        // Every cell has its host before any fault is injected. Leasing is serial in the lab, so most
        // cells share one class (one lease of many hosts is readied in parallel).
        List<MatrixCell> shared = cells.stream().filter(c -> !c.ownClass()).toList();
        sharedClass = pool.lease("fault matrix", List.of(new RoleDeclaration("node", shared.size() + 1, shared.size() + 1)));
        Host other = sharedClass.cluster().hosts().get(0);
        labId = other.labels().get("lab");
        Map<MatrixCell, HostLease> ownClasses = new LinkedHashMap<>();
        for (MatrixCell cell : cells) {
            if (cell.ownClass()) {
                ownClasses.put(cell, cell.lease(pool));
            }
        }
        HostLease row = killedRow ? pool.lease("fault matrix: " + KILLED, List.of(new RoleDeclaration("node",
                MatrixOperation.values().length, MatrixOperation.values().length))) : null;

        System.out.printf("Fault matrix: %d cells; the lab and every cell's host ready after %d s%n", cells.size(),
                (System.nanoTime() - start) / 1_000_000_000);
        ExecutorService threads = Executors.newFixedThreadPool(cells.size() + 1);
        try {
            Future<List<CellResult>> killed = killedRow ? threads.submit(() -> killedTestJvmRow(row, dir.resolve("killed")))
                    : CompletableFuture.completedFuture(List.of());
            Map<MatrixCell, Future<CellResult>> running = new LinkedHashMap<>();
            for (int i = 0; i < shared.size(); i++) {
                MatrixCell cell = shared.get(i);
                Host host = sharedClass.cluster().hosts().get(i + 1);
                running.put(cell, threads.submit(() -> cell.run(null, sharedClass.cluster(), host, other, dir)));
            }
            ownClasses.forEach((cell, lease) -> running.put(cell, threads.submit(() -> cell.run(lease, lease.cluster(),
                    lease.cluster().hosts().get(0), other, dir))));
            List<CellResult> ran = new ArrayList<>();
            for (Future<CellResult> cell : running.values()) {
                ran.add(cell.get(5, TimeUnit.MINUTES));
            }
            System.out.printf("Fault matrix: cells done after %d s%n", (System.nanoTime() - start) / 1_000_000_000);
            List<CellResult> killedCells = killed.get(5, TimeUnit.MINUTES);
            Map<String, Host> sharedHosts = new HashMap<>();
            sharedClass.cluster().hosts().forEach(h -> sharedHosts.put(h.name(), h));
            sharedClass.close();
            Map<String, Future<String>> afterTheClass = new HashMap<>();
            for (CellResult r : ran) {
                if (shared.stream().anyMatch(c -> c.fault().title().equals(r.fault()) && c.operation().title().equals(r.operation()))) {
                    afterTheClass.put(r.host(), threads.submit(() -> MatrixCell.leftoversAfterTheClass(sharedHosts.get(r.host()))));
                }
            }
            for (CellResult r : ran) {
                Future<String> after = afterTheClass.get(r.host());
                results.add(after == null ? r : r.withLeftoversAfterTheClass(after.get(2, TimeUnit.MINUTES))
                        .withKeyFiles(MatrixCell.keyFiles(LabControl.of(sharedHosts.get(r.host())))));
            }
            results.addAll(killedCells);
        } finally {
            threads.shutdownNow();
        }
        System.out.printf("Fault matrix: done after %d s%n", (System.nanoTime() - start) / 1_000_000_000);
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, table(results));
        System.out.println(table(results));
    }

    @TestFactory
    Stream<DynamicTest> eachCellEndsAsPromisedWithinItsDeadlineAndLeavesNothingBehind() {
        return results.stream().map(r -> DynamicTest.dynamicTest(r.operation() + " / " + r.fault(),
                () -> assertThat(r.problems()).as(r.toString()).isEmpty()));
    }

    @Test
    void noFileHoldingATokenIsLeftOnAHostOnceItsClassEnded() {
        assertThat(results.stream().filter(r -> !r.fault().equals(KILLED) && r.keyFiles() != null && !r.keyFiles().isEmpty())
                .map(r -> r.host() + " (" + r.operation() + " / " + r.fault() + "): " + r.keyFiles())).isEmpty();
    }

    @AfterAll
    void nothingOfTheMatrixIsLeftOnTheMachine() {
        if (sharedClass != null) {
            sharedClass.close();
        }
        if (pool != null) {
            pool.close();
        }
        assertThat(ProcessHandle.current().descendants().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")))
                .as("processes this JVM started").isEmpty();
        if (labId != null) {
            assertThat(machine(labId)).as("the lab's namespaces, links, mounts and directory").isEmpty();
        }
    }

    /**
     * The killed test JVM's row: a child JVM leases one host per operation (through an inventory
     * of ours naming lab hosts), starts each operation's endless variant and is killed with SIGKILL
     * once all are in flight; each cell measures how long what the operation started takes to end
     * on its host.
     */
    private List<CellResult> killedTestJvmRow(HostLease row, Path dir) throws Exception {
        MatrixOperation[] operations = MatrixOperation.values();
        Files.createDirectories(dir);
        try {
            List<Host> hosts = row.cluster().hosts();
            Map<String, String> settings = new LinkedHashMap<>(inventoryOf(hosts, dir));
            settings.put("matrix.dir", dir.toString());
            Map<MatrixOperation, LabControl> labs = new LinkedHashMap<>();
            Map<MatrixOperation, String> before = new HashMap<>();
            Map<MatrixOperation, String> beforeKeys = new HashMap<>();
            for (int i = 0; i < operations.length; i++) {
                LabControl lab = LabControl.of(hosts.get(i));
                labs.put(operations[i], lab);
                settings.put("matrix.host." + operations[i].name(), hosts.get(i).name());
                before.put(operations[i], lab.exec(MatrixCell.LEFTOVERS, Duration.ofSeconds(10)));
                beforeKeys.put(operations[i], MatrixCell.keyFiles(lab).replace(';', '\n'));
            }
            labs.get(MatrixOperation.UPLOAD).limitBandwidth(MatrixOperation.ENDLESS_BITS_PER_SECOND);
            labs.get(MatrixOperation.DOWNLOAD).limitBandwidth(MatrixOperation.ENDLESS_BITS_PER_SECOND);

            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                    "-cp", System.getProperty("java.class.path"), KilledTestJvmMain.class.getName()));
            settings.forEach((k, v) -> command.add(k + "=" + v));
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> said = new ArrayList<>();
            long killed;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                CompletableFuture<Boolean> inFlight = CompletableFuture.supplyAsync(() -> out.lines()
                        .peek(line -> {
                            if (line.startsWith("STARTED") || line.startsWith("BROKEN")) {
                                said.add(line);
                            }
                        }).anyMatch(line -> line.equals("IN FLIGHT")));
                boolean all = inFlight.get(3, TimeUnit.MINUTES);
                assertThat(all).as("the child JVM said: " + said).isTrue();
                child.destroyForcibly(); // SIGKILL: nothing of the child's runs any more
                killed = System.nanoTime();
                child.waitFor(30, TimeUnit.SECONDS);
            } finally {
                child.destroyForcibly();
            }

            List<CompletableFuture<CellResult>> cells = new ArrayList<>();
            for (MatrixOperation operation : operations) {
                cells.add(CompletableFuture.supplyAsync(() -> orphansEnd(operation, labs.get(operation), before.get(operation),
                        beforeKeys.get(operation), said, killed)));
            }
            List<CellResult> row0 = new ArrayList<>();
            for (CompletableFuture<CellResult> cell : cells) {
                row0.add(cell.get(2, TimeUnit.MINUTES));
            }
            return row0;
        } finally {
            row.close();
        }
    }

    /** Waits until what the killed JVM's operation started is gone from its host; what was there before the child does not count. */
    private static CellResult orphansEnd(MatrixOperation operation, LabControl lab, String before, String beforeKeys,
            List<String> said, long killed) {
        CellResult.Builder result = new CellResult.Builder(KILLED, operation.title(), ORPHANS_END, MatrixCell.Expected.SUCCEEDS);
        result.host(lab.name());
        String started = said.stream().filter(l -> l.contains(" " + operation.name() + " ")).findFirst().orElse("nothing said");
        if (!started.startsWith("STARTED")) {
            result.broken("the child JVM could not start it: " + started);
        }
        if (operation == MatrixOperation.PROCESS) {
            return detachedProcessOutlivesTheKilledJvm(result, lab, before, beforeKeys, killed);
        }
        String[] seen = {""};
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                try {
                    seen[0] = MatrixCell.newLines(lab.exec(MatrixCell.LEFTOVERS, Duration.ofSeconds(5)), before);
                } catch (RuntimeException unreachable) {
                    return false; // rebooting: looked at again once it answers
                }
                return seen[0].isEmpty();
            });
            Duration gone = Duration.ofNanos(System.nanoTime() - killed);
            result.timing(gone, gone);
            result.succeeded("everything it started was gone after " + CellResult.ms(gone));
            if (gone.compareTo(ORPHANS_END) > 0) {
                result.broken("what it started was gone only after " + CellResult.ms(gone));
            }
            result.leftovers("");
        } catch (ConditionTimeoutException e) {
            result.timing(Duration.ofNanos(System.nanoTime() - killed), Duration.ofNanos(System.nanoTime() - killed));
            result.hung("still there after 60 s: " + seen[0].replace('\n', ';'));
            result.leftovers(seen[0].replace('\n', ';'));
        }
        result.keyFiles(MatrixCell.newLines(MatrixCell.keyFiles(lab).replace(';', '\n'), beforeKeys).replace('\n', ';'));
        lab.clearFaults();
        return result.build();
    }

    /**
     * A detached process is meant to outlive its SSH connection, and so outlives a killed test JVM:
     * nothing ends it until its host reboots or someone kills it (a later run can find it by id
     * with {@code Host.process}). Checked: it still runs when the others' time is up; then this
     * test kills it.
     */
    private static CellResult detachedProcessOutlivesTheKilledJvm(CellResult.Builder result, LabControl lab, String before,
            String beforeKeys, long killed) {
        String[] seen = {""};
        try {
            await().during(ORPHANS_END).atMost(ORPHANS_END.plusSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                seen[0] = MatrixCell.newLines(lab.exec(MatrixCell.LEFTOVERS, Duration.ofSeconds(10)), before);
                return seen[0].contains("sleep 300");
            });
        } catch (ConditionTimeoutException ended) {
            // seen says what there was
        }
        Duration after = Duration.ofNanos(System.nanoTime() - killed);
        result.timing(after, after);
        result.keyFiles(MatrixCell.newLines(MatrixCell.keyFiles(lab).replace(';', '\n'), beforeKeys).replace('\n', ';'));
        if (seen[0].contains("sleep 300")) {
            result.succeeded("still runs " + CellResult.ms(after) + " after the SIGKILL, detached as documented; ended by this test");
            result.leftovers("");
        } else {
            result.broken("the detached process did not outlive the test JVM: " + seen[0]);
            result.leftovers(seen[0].replace('\n', ';'));
        }
        lab.exec("pkill -KILL -x sleep; true", Duration.ofSeconds(10));
        return result.build();
    }

    /** An inventory of ours naming {@code hosts} (role {@code node}), with their known_hosts, as settings for another JVM. */
    private static Map<String, String> inventoryOf(List<Host> hosts, Path dir) throws IOException {
        StringBuilder inventory = new StringBuilder("hosts:\n");
        List<String> knownHosts = new ArrayList<>();
        for (Host host : hosts) {
            HostSpec spec = ((RemoteHost) host).spec();
            knownHosts.addAll(spec.knownHosts());
            inventory.append("  - name: ").append(spec.name()).append('\n')
                    .append("    address: ").append(spec.address()).append('\n')
                    .append("    port: ").append(spec.port()).append('\n')
                    .append("    user: ").append(spec.user()).append('\n')
                    .append("    identity: ").append(spec.identityFile().orElseThrow()).append('\n')
                    .append("    roles: [node]\n");
        }
        return Map.of("multihost.provider", "inventory",
                "multihost.inventory", Files.writeString(dir.resolve("hosts.yml"), inventory).toString(),
                "multihost.inventory.known-hosts", Files.write(dir.resolve("known_hosts"), knownHosts).toString(),
                "multihost.inventory.ssh-config", "none", "multihost.lab.down-time", "1s");
    }

    /** What this machine still has of lab {@code id}: namespaces, links, mounts, its directory. */
    private static String machine(String id) {
        try {
            String netns = run("ip", "netns", "list");
            String links = run("ip", "-o", "link", "show");
            String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
            return Stream.of(netns, links, mounts).flatMap(s -> Arrays.stream(s.split("\n")))
                    .filter(l -> l.contains("mhl-" + id) || l.contains("/" + id + "/") || l.contains("/" + id + " "))
                    .collect(Collectors.joining("\n")) + (Files.exists(Path.of("/run/junit-multihost-lab", id))
                    ? "\n/run/junit-multihost-lab/" + id : "");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String run(String... argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** The matrix as a markdown table: one row per cell. */
    static String table(List<CellResult> results) {
        StringBuilder out = new StringBuilder("| operation | fault | expected | deadline | outcome | time to outcome"
                + " (from the call / from the fault) | what it said | other host meanwhile | host's sync afterwards"
                + " | left behind | files holding a token after the class | verdict |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<String> operations = Arrays.stream(MatrixOperation.values()).map(MatrixOperation::title).toList();
        List<String> faults = new ArrayList<>(Arrays.stream(MatrixFault.values()).map(MatrixFault::title).toList());
        faults.add(KILLED);
        for (CellResult r : results.stream().sorted(java.util.Comparator.comparing((CellResult c) -> operations.indexOf(c.operation()))
                .thenComparing(c -> faults.indexOf(c.fault()))).toList()) {
            List<String> problems = r.problems();
            out.append("| ").append(r.operation()).append(" | ").append(r.fault()).append(" | ")
                    .append(r.expected().name().toLowerCase(Locale.ROOT)).append(" | ").append(CellResult.ms(r.deadline()))
                    .append(" | ").append(r.outcome().name().toLowerCase(Locale.ROOT)).append(" | ")
                    .append(CellResult.ms(r.sinceCall())).append(" / ").append(CellResult.ms(r.sinceFault())).append(" | ")
                    .append(cell(r.message(), 160)).append(" | ").append(cell(r.otherHost(), 40)).append(" | ")
                    .append(cell(r.syncAfterwards(), 80)).append(" | ")
                    .append(r.leftovers() == null ? "-" : r.leftovers().isEmpty() ? "nothing" : cell(r.leftovers(), 120))
                    .append(" | ").append(r.keyFiles() == null ? "-" : r.keyFiles().isEmpty() ? "none" : cell(r.keyFiles(), 80))
                    .append(" | ").append(!problems.isEmpty() ? "**" + cell(String.join("; ", problems), 200) + "**"
                            : r.known().filter(k -> !r.allProblems().isEmpty()).map(k -> "known failure: " + k.why())
                            .orElse(r.known().isPresent() ? "ok (its intermittent known failure did not happen)" : "ok"))
                    .append(" |\n");
        }
        return out.toString();
    }

    private static String cell(String text, int max) {
        if (text == null) {
            return "-";
        }
        String one = text.replace('\n', ' ').replace("|", "\\|");
        return one.length() > max ? one.substring(0, max) + "..." : one;
    }
}
