package io.junitmultihost.benchmarks;

import static io.junitmultihost.benchmarks.SshBenchSupport.intArg;
import static io.junitmultihost.benchmarks.SshBenchSupport.log;
import static io.junitmultihost.benchmarks.SshBenchSupport.median;
import static io.junitmultihost.benchmarks.SshBenchSupport.round;

import io.junitmultihost.lab.Lab;
import io.junitmultihost.lab.LabHost;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.ssh.Outcome;
import io.junitmultihost.ssh.RemoteCommand;
import io.junitmultihost.ssh.RemoteResult;
import io.junitmultihost.ssh.SshHost;
import io.junitmultihost.ssh.SshPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fan-out: {@code true} on every lab host at once. Warm: over already open pooled sessions
 * ({@link SshPool#execEach}) against OpenSSH ControlMasters to the same hosts, driven two ways: by
 * the CLI ({@code xargs -P} starting an {@code ssh} per host, what a user of the CLI pays) and
 * without a process per call (one passenger client of the masters' protocol asking every master
 * for a channel at once, {@link OpenSshMux}), which isolates the transport. First contact: a new
 * pool (connect + auth + exec) against parallel fresh {@code ssh}, offered the key exchange and
 * cipher JSch negotiates, and again with OpenSSH's defaults (reported beside). The sides run in
 * turn, round by round; each figure is the median of the rounds. Arguments: {@code hosts=N}
 * (default 100), {@code rounds=N} (default 5), {@code subnet=}.
 */
public final class FanOutBenchmark {

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final RemoteCommand TRUE = RemoteCommand.argv("true");

    private FanOutBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = SshBenchSupport.args(args);
        int hostCount = intArg(options, "hosts", 100);
        int rounds = intArg(options, "rounds", 5);
        Path dir = Files.createTempDirectory("fan-out-bench");
        try (Lab lab = SshBenchSupport.startLab(hostCount, options)) {
            List<HostSpec> specs = lab.hosts().stream().map(LabHost::spec).toList();
            HostSpec any = specs.get(0);
            Path knownHosts = SshBenchSupport.knownHostsFile(dir, specs);
            Path addresses = Files.write(dir.resolve("addresses"),
                    specs.stream().map(spec -> spec.user() + "@" + spec.address()).toList());
            String anyTarget = any.user() + "@" + any.address();
            Algorithms ours = Algorithms.ofJsch(any, knownHosts);
            String[] matched = ours.openSshOptions();
            Algorithms openssh = Algorithms.ofOpenSsh(SshBenchSupport.ssh(any, knownHosts,
                    Algorithms.with(matched, "-o", "ControlPath=none", anyTarget, "true")));
            ours.requireSame(openssh, "OpenSSH offered JSch's algorithms");
            Algorithms opensshDefault = Algorithms.ofOpenSsh(SshBenchSupport.ssh(any, knownHosts, "-o",
                    "ControlPath=none", anyTarget, "true"));
            log("algorithms: JSch %s, OpenSSH matched %s, OpenSSH defaults %s", ours, openssh, opensshDefault);

            String controlPath = dir.resolve("cm-%h").toString();
            String fresh = "xargs -P " + hostCount + " -I{} " + SshBenchSupport.sshLine(any, knownHosts,
                    Algorithms.with(matched, "-o", "ControlPath=none")) + " {} true < " + addresses;
            String freshDefault = "xargs -P " + hostCount + " -I{} " + SshBenchSupport.sshLine(any, knownHosts, "-o",
                    "ControlPath=none") + " {} true < " + addresses;
            String startMasters = "xargs -P 20 -I{} " + SshBenchSupport.sshLine(any, knownHosts, Algorithms.with(matched,
                    "-M", "-N", "-f", "-o", "ControlPath=" + controlPath, "-o", "ControlPersist=600")) + " {} < " + addresses;
            String viaMasters = "xargs -P " + hostCount + " -I{} " + SshBenchSupport.sshLine(any, knownHosts, "-o",
                    "ControlPath=" + controlPath) + " {} true < " + addresses;
            String stopMasters = "xargs -P 20 -I{} " + SshBenchSupport.sshLine(any, knownHosts, "-o",
                    "ControlPath=" + controlPath, "-O", "exit") + " {} < " + addresses + " 2>/dev/null";

            // first contact, in turn: ours, OpenSSH with JSch's algorithms, OpenSSH's defaults; nothing open before each
            List<Long> firstContact = new ArrayList<>();
            List<Long> opensshFirstContact = new ArrayList<>();
            List<Long> opensshDefaultFirstContact = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                try (SshPool pool = SshPool.create()) {
                    List<SshHost> hosts = specs.stream().map(spec -> pool.host(SshBenchSupport.target(spec))).toList();
                    long started = System.nanoTime();
                    check(pool.execEach(hosts, TRUE, DEADLINE));
                    firstContact.add(System.nanoTime() - started);
                }
                opensshFirstContact.add(SshBenchSupport.shell(fresh, DEADLINE));
                opensshDefaultFirstContact.add(SshBenchSupport.shell(freshDefault, DEADLINE));
                log("first contact with %d hosts, round %d: pool %.0f ms, parallel fresh ssh %.0f ms (JSch's algorithms),"
                        + " %.0f ms (OpenSSH defaults)", hostCount, round + 1, firstContact.get(round) / 1e6,
                        opensshFirstContact.get(round) / 1e6, opensshDefaultFirstContact.get(round) / 1e6);
            }

            SshBenchSupport.shell(startMasters, DEADLINE);
            List<Long> warm = new ArrayList<>();
            List<Long> viaCli = new ArrayList<>();
            List<Long> viaMux = new ArrayList<>();
            List<String> paths = specs.stream().map(spec -> dir.resolve("cm-" + spec.address()).toString()).toList();
            try (SshPool pool = SshPool.create(); OpenSshMux mux = OpenSshMux.start(dir, "true", paths)) {
                List<SshHost> hosts = specs.stream().map(spec -> pool.host(SshBenchSupport.target(spec))).toList();
                check(pool.execEach(hosts, TRUE, DEADLINE)); // connects every host
                for (int i = 0; i < 2; i++) { // warm-up
                    check(pool.execEach(hosts, TRUE, DEADLINE));
                    SshBenchSupport.shell(viaMasters, DEADLINE);
                    mux.all(DEADLINE);
                }
                for (int round = 0; round < rounds; round++) {
                    long started = System.nanoTime();
                    check(pool.execEach(hosts, TRUE, DEADLINE));
                    warm.add(System.nanoTime() - started);
                    viaCli.add(SshBenchSupport.shell(viaMasters, DEADLINE));
                    viaMux.add((long) (mux.all(DEADLINE) * 1e6));
                    log("warm, %d hosts at once, round %d: pool %.0f ms, ControlMasters via the CLI %.0f ms, without a"
                            + " process per call %.0f ms", hostCount, round + 1, warm.get(round) / 1e6, viaCli.get(round) / 1e6,
                            viaMux.get(round) / 1e6);
                }
            } finally {
                SshBenchSupport.runQuietly(List.of("/bin/sh", "-c", stopMasters), DEADLINE);
            }
            double wall = median(warm);
            double cliWall = median(viaCli);
            double muxWall = median(viaMux);
            double first = median(firstContact);
            double opensshFirst = median(opensshFirstContact);
            double opensshDefaultFirst = median(opensshDefaultFirstContact);
            log("medians of %d rounds: warm pool %.0f ms, ControlMasters via the CLI %.0f ms, without a process per call"
                    + " %.0f ms; first contact pool %.0f ms, fresh ssh %.0f ms (JSch's algorithms), %.0f ms (defaults)",
                    rounds, wall, cliWall, muxWall, first, opensshFirst, opensshDefaultFirst);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("bench", "fan-out");
            json.put("hosts", hostCount);
            json.put("wall_ms", round(wall));
            json.put("openssh_parallel_wall_ms", round(cliWall));
            json.put("ratio", round(cliWall / wall));
            json.put("openssh_mux_wall_ms", round(muxWall));
            json.put("ratio_vs_mux", round(muxWall / wall));
            json.put("first_contact_ms", round(first));
            json.put("openssh_first_contact_ms", round(opensshFirst));
            json.put("first_contact_ratio", round(opensshFirst / first));
            json.put("openssh_default_first_contact_ms", round(opensshDefaultFirst));
            json.put("first_contact_ratio_default", round(opensshDefaultFirst / first));
            ours.putJson(json, "ours");
            openssh.putJson(json, "openssh");
            opensshDefault.putJson(json, "openssh_default");
            json.put("rounds", rounds);
            json.put("load_avg_1m", SshBenchSupport.loadAverage());
            System.out.println(SshBenchSupport.json(json));
        } finally {
            SshBenchSupport.deleteTree(dir);
        }
    }

    private static void check(Map<SshHost, Outcome<RemoteResult>> results) {
        results.forEach((host, outcome) -> {
            if (!outcome.succeeded() || outcome.value().exitCode() != 0) {
                throw new IllegalStateException("true failed on " + host + ": " + outcome);
            }
        });
    }
}
