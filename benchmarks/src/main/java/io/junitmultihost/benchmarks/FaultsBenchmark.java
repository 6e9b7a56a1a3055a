package io.junitmultihost.benchmarks;

import static io.junitmultihost.benchmarks.SshBenchSupport.intArg;
import static io.junitmultihost.benchmarks.SshBenchSupport.log;
import static io.junitmultihost.benchmarks.SshBenchSupport.median;
import static io.junitmultihost.benchmarks.SshBenchSupport.round;

import io.junitmultihost.api.Fault;
import io.junitmultihost.api.Faults;
import io.junitmultihost.api.Host;
import io.junitmultihost.engine.internal.hosts.HostLease;
import io.junitmultihost.engine.internal.hosts.HostPool;
import io.junitmultihost.engine.internal.hosts.HostSettings;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import io.junitmultihost.ssh.ShellQuote;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * faults: a partition of half the lab hosts from the other half ({@code hosts=20}), imposed and
 * lifted through {@link Faults} (each host's rules in one SSH exec over the pool's open session,
 * all hosts at once, with the host's own timer and the owner's bookkeeping), beside the same rules
 * imposed by the plain way: one {@code ssh host nft -f -} per host, all at once ({@code xargs -P}),
 * and lifted with one {@code ssh host nft delete table} per host. Each figure is the median of
 * {@code rounds=N} (default 5) rounds, the sides in turn.
 */
public final class FaultsBenchmark {

    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private FaultsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = SshBenchSupport.args(args);
        int hostCount = intArg(options, "hosts", 20);
        int rounds = intArg(options, "rounds", 5);
        Path dir = Files.createTempDirectory("faults-bench");
        try (HostPool pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "lab",
                "multihost.lab.hosts", Integer.toString(hostCount), "multihost.lab.max-hosts", Integer.toString(hostCount),
                "multihost.hosts.timeout", "5m", "multihost.report.dir", "none")));
                HostLease lease = pool.lease("faults-benchmark", List.of(new RoleDeclaration("node", hostCount, hostCount)))) {
            List<Host> hosts = lease.cluster().hosts();
            List<Host> side = hosts.subList(0, hostCount / 2);
            List<Host> other = hosts.subList(hostCount / 2, hostCount);
            Faults faults = lease.cluster().faults();
            String labDir = "/run/junit-multihost-lab/" + hosts.get(0).labels().get("lab");
            Path targets = Files.write(dir.resolve("targets"), side.stream()
                    .map(h -> labDir + "/hosts/" + h.name() + "/known_hosts root@" + h.address()).toList());
            String ssh = "/usr/bin/ssh -F /dev/null -T -i " + ShellQuote.quote(labDir + "/client_key")
                    + " -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null"
                    + " -o LogLevel=ERROR -o ControlPath=none";
            String peers = String.join(", ", other.stream().map(Host::address).toList());
            String rules = "table inet bench_partition {\n  chain input {\n    type filter hook input priority -310; policy accept;\n"
                    + "    ip saddr { " + peers + " } drop\n  }\n  chain output {\n    type filter hook output priority -310;"
                    + " policy accept;\n    ip daddr { " + peers + " } drop\n  }\n}";
            String loopImpose = "xargs -P " + side.size() + " -L 1 sh -c " + ShellQuote.quote(ssh
                    + " -o UserKnownHostsFile=\"$0\" \"$1\" nft -f - <<'EOF'\n" + rules + "\nEOF") + " < " + targets;
            String loopLift = "xargs -P " + side.size() + " -L 1 sh -c " + ShellQuote.quote(ssh
                    + " -o UserKnownHostsFile=\"$0\" \"$1\" nft delete table inet bench_partition") + " < " + targets;

            List<Long> impose = new ArrayList<>();
            List<Long> lift = new ArrayList<>();
            List<Long> loopImposeTimes = new ArrayList<>();
            List<Long> loopLiftTimes = new ArrayList<>();
            faults.partition(side, other, DEADLINE).close(); // warm-up: sessions open, classes loaded
            for (int round = 0; round < rounds; round++) {
                long started = System.nanoTime();
                Fault partition = faults.partition(side, other, Duration.ofMinutes(5));
                impose.add(System.nanoTime() - started);
                check(side.get(0), other.get(0), false);
                started = System.nanoTime();
                partition.close();
                lift.add(System.nanoTime() - started);
                check(side.get(0), other.get(0), true);

                loopImposeTimes.add(SshBenchSupport.shell(loopImpose, DEADLINE));
                check(side.get(0), other.get(0), false);
                loopLiftTimes.add(SshBenchSupport.shell(loopLift, DEADLINE));
                check(side.get(0), other.get(0), true);
                log("round %d, %d hosts partitioned from %d: Faults impose %.0f ms, lift %.0f ms; ssh per host impose"
                        + " %.0f ms, lift %.0f ms", round + 1, side.size(), other.size(), impose.get(round) / 1e6,
                        lift.get(round) / 1e6, loopImposeTimes.get(round) / 1e6, loopLiftTimes.get(round) / 1e6);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("bench", "faults");
            json.put("hosts", hostCount);
            json.put("impose_ms", round(median(impose)));
            json.put("lift_ms", round(median(lift)));
            json.put("ssh_loop_impose_ms", round(median(loopImposeTimes)));
            json.put("ssh_loop_lift_ms", round(median(loopLiftTimes)));
            json.put("ratio", round(median(loopImposeTimes) / median(impose)));
            json.put("rounds", rounds);
            json.put("load_avg_1m", SshBenchSupport.loadAverage());
            System.out.println(SshBenchSupport.json(json));
        } finally {
            SshBenchSupport.deleteTree(dir);
        }
    }

    /** Fails the benchmark unless {@code from} reaches {@code to} as expected: timing a fault that did nothing proves nothing. */
    private static void check(Host from, Host to, boolean reachable) {
        boolean reaches = from.exec(List.of("timeout", "1", "bash", "-c", "exec 3<>/dev/tcp/" + to.address() + "/22"),
                DEADLINE).exitCode() == 0;
        if (reaches != reachable) {
            throw new IllegalStateException("Host [" + from.name() + "] " + (reaches ? "reaches" : "does not reach")
                    + " host [" + to.name() + "] where it should " + (reachable ? "" : "not") + ".");
        }
    }
}
