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
 * ({@link SshPool#execEach}) against OpenSSH ControlMasters to the same hosts driven in parallel by
 * {@code xargs -P}. First contact: a new pool (connect + auth + exec) against parallel fresh
 * {@code ssh}. Arguments: {@code hosts=N} (default 100), {@code rounds=N} (default 5), {@code subnet=}.
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
            String controlPath = dir.resolve("cm-%h").toString();
            String fresh = "xargs -P " + hostCount + " -I{} " + SshBenchSupport.sshLine(any, knownHosts, "-o",
                    "ControlPath=none") + " {} true < " + addresses;
            String startMasters = "xargs -P 20 -I{} " + SshBenchSupport.sshLine(any, knownHosts, "-M", "-N", "-f",
                    "-o", "ControlPath=" + controlPath, "-o", "ControlPersist=600") + " {} < " + addresses;
            String viaMasters = "xargs -P " + hostCount + " -I{} " + SshBenchSupport.sshLine(any, knownHosts, "-o",
                    "ControlPath=" + controlPath) + " {} true < " + addresses;
            String stopMasters = "xargs -P 20 -I{} " + SshBenchSupport.sshLine(any, knownHosts, "-o",
                    "ControlPath=" + controlPath, "-O", "exit") + " {} < " + addresses + " 2>/dev/null";

            // first contact, ours then OpenSSH's: nothing open before either
            double firstContact;
            try (SshPool pool = SshPool.create()) {
                List<SshHost> hosts = specs.stream().map(spec -> pool.host(SshBenchSupport.target(spec))).toList();
                long started = System.nanoTime();
                check(pool.execEach(hosts, TRUE, DEADLINE));
                firstContact = (System.nanoTime() - started) / 1e6;
            }
            double opensshFirstContact = SshBenchSupport.shell(fresh, DEADLINE) / 1e6;
            log("first contact with %d hosts: pool %.0f ms, parallel fresh ssh %.0f ms", hostCount, firstContact,
                    opensshFirstContact);

            SshBenchSupport.shell(startMasters, DEADLINE);
            List<Long> ours = new ArrayList<>();
            List<Long> openssh = new ArrayList<>();
            try (SshPool pool = SshPool.create()) {
                List<SshHost> hosts = specs.stream().map(spec -> pool.host(SshBenchSupport.target(spec))).toList();
                check(pool.execEach(hosts, TRUE, DEADLINE)); // connects every host
                check(pool.execEach(hosts, TRUE, DEADLINE));
                SshBenchSupport.shell(viaMasters, DEADLINE);
                for (int round = 0; round < rounds; round++) {
                    long started = System.nanoTime();
                    check(pool.execEach(hosts, TRUE, DEADLINE));
                    ours.add(System.nanoTime() - started);
                    openssh.add(SshBenchSupport.shell(viaMasters, DEADLINE));
                }
            } finally {
                SshBenchSupport.runQuietly(List.of("/bin/sh", "-c", stopMasters), DEADLINE);
            }
            double wall = median(ours);
            double opensshWall = median(openssh);
            log("warm, %d hosts at once: pool %.0f ms, parallel ControlMasters %.0f ms", hostCount, wall, opensshWall);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("bench", "fan-out");
            json.put("hosts", hostCount);
            json.put("wall_ms", round(wall));
            json.put("openssh_parallel_wall_ms", round(opensshWall));
            json.put("ratio", round(opensshWall / wall));
            json.put("first_contact_ms", round(firstContact));
            json.put("openssh_first_contact_ms", round(opensshFirstContact));
            json.put("first_contact_ratio", round(opensshFirstContact / firstContact));
            json.put("rounds", rounds);
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
