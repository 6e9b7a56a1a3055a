package io.junitmultihost.benchmarks;

import static io.junitmultihost.benchmarks.SshBenchSupport.intArg;
import static io.junitmultihost.benchmarks.SshBenchSupport.log;
import static io.junitmultihost.benchmarks.SshBenchSupport.median;
import static io.junitmultihost.benchmarks.SshBenchSupport.round;

import io.junitmultihost.lab.Lab;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.ssh.HostAgent;
import io.junitmultihost.ssh.RemoteCommand;
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
 * ssh-exec: median latency of {@code true} on one lab host over the pooled JSch session and through
 * the resident agent, against OpenSSH. OpenSSH runs with the key exchange and cipher JSch
 * negotiates (read from both clients and checked equal), and again with its own defaults
 * (defaults against defaults, reported beside). Its ControlMaster is driven two ways: by the CLI,
 * a new {@code ssh} process per call (what a user of the CLI pays), and without a process per
 * call (a passenger client of the master's protocol for a channel per call, a shell read loop for
 * the agent), which isolates the transport. All warm paths are measured in interleaved rounds, so
 * that load on the machine hits them alike. Arguments: {@code iterations=N} (default 200),
 * {@code fresh=N} (default 30), {@code subnet=}.
 */
public final class SshExecBenchmark {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private SshExecBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = SshBenchSupport.args(args);
        int iterations = intArg(options, "iterations", 200);
        int freshRuns = intArg(options, "fresh", 30);
        Path dir = Files.createTempDirectory("ssh-exec-bench");
        try (Lab lab = SshBenchSupport.startLab(1, options); SshPool pool = SshPool.create()) {
            HostSpec spec = lab.hosts().get(0).spec();
            Path knownHosts = SshBenchSupport.knownHostsFile(dir, List.of(spec));
            String target = spec.user() + "@" + spec.address();
            Peers peers = Peers.of(spec, knownHosts, target, dir);

            long connectStarted = System.nanoTime();
            SshHost host = pool.host(SshBenchSupport.target(spec));
            host.exec(RemoteCommand.argv("true"), DEADLINE);
            double firstCallMs = (System.nanoTime() - connectStarted) / 1e6;
            HostAgent agent = host.agent(DEADLINE);
            if (!agent.isResident()) {
                throw new IllegalStateException("The resident agent did not start on " + spec.name());
            }
            SshBenchSupport.run(peers.startMaster(peers.matched, "cm"), DEADLINE);
            try {
                SshBenchSupport.run(peers.startMaster(peers.defaults, "cm-default"), DEADLINE);
                try (OpenSshMux mux = OpenSshMux.start(dir, "true", List.of(dir.resolve("cm").toString()));
                        OpenSshShellLoop loop = new OpenSshShellLoop(SshBenchSupport.ssh(spec, knownHosts, "-o",
                                "ControlPath=" + dir.resolve("cm"), target))) {
                    measure(iterations, freshRuns, host, agent, peers, mux, loop, firstCallMs);
                }
            } finally {
                SshBenchSupport.runQuietly(peers.stopMaster("cm-default"), DEADLINE);
                SshBenchSupport.runQuietly(peers.stopMaster("cm"), DEADLINE);
            }
        } finally {
            SshBenchSupport.deleteTree(dir);
        }
    }

    /**
     * OpenSSH's side: the algorithms JSch negotiates with the host (ours), those OpenSSH
     * negotiates when offered only ours (checked equal) and with its defaults.
     */
    record Peers(HostSpec spec, Path knownHosts, String target, Path dir, Algorithms ours, String[] matched,
            String[] defaults, Algorithms openssh, Algorithms opensshDefault) {

        static Peers of(HostSpec spec, Path knownHosts, String target, Path dir) {
            Algorithms ours = Algorithms.ofJsch(spec, knownHosts);
            String[] matched = ours.openSshOptions();
            String[] defaults = new String[0];
            Algorithms openssh = Algorithms.ofOpenSsh(SshBenchSupport.ssh(spec, knownHosts,
                    Algorithms.with(matched, "-o", "ControlPath=none", target, "true")));
            ours.requireSame(openssh, "OpenSSH offered JSch's algorithms");
            Algorithms opensshDefault = Algorithms.ofOpenSsh(SshBenchSupport.ssh(spec, knownHosts, "-o",
                    "ControlPath=none", target, "true"));
            log("algorithms: JSch %s, OpenSSH matched %s, OpenSSH defaults %s", ours, openssh, opensshDefault);
            return new Peers(spec, knownHosts, target, dir, ours, matched, defaults, openssh, opensshDefault);
        }

        List<String> startMaster(String[] algorithms, String name) {
            return SshBenchSupport.ssh(spec, knownHosts, Algorithms.with(algorithms, "-M", "-N", "-f", "-o",
                    "ControlPath=" + dir.resolve(name), "-o", "ControlPersist=600", target));
        }

        List<String> viaMaster(String name) {
            return SshBenchSupport.ssh(spec, knownHosts, "-o", "ControlPath=" + dir.resolve(name), target, "true");
        }

        List<String> stopMaster(String name) {
            return SshBenchSupport.ssh(spec, knownHosts, "-o", "ControlPath=" + dir.resolve(name), "-O", "exit", target);
        }

        List<String> fresh(String[] algorithms) {
            return SshBenchSupport.ssh(spec, knownHosts, Algorithms.with(algorithms, "-o", "ControlPath=none", target,
                    "true"));
        }
    }

    private static void measure(int iterations, int freshRuns, SshHost host, HostAgent agent, Peers peers,
            OpenSshMux mux, OpenSshShellLoop loop, double firstCallMs) {
        RemoteCommand trueCommand = RemoteCommand.argv("true");
        List<String> viaMaster = peers.viaMaster("cm");
        List<String> viaDefaultMaster = peers.viaMaster("cm-default");
        List<String> fresh = peers.fresh(peers.matched);
        List<String> freshDefault = peers.fresh(peers.defaults);

        for (int i = 0; i < 20; i++) { // warm-up: JIT, caches on the host
            host.exec(trueCommand, DEADLINE);
            agent.exec(trueCommand, DEADLINE);
            SshBenchSupport.run(viaMaster, DEADLINE);
            SshBenchSupport.run(viaDefaultMaster, DEADLINE);
            mux.one(0, DEADLINE);
            loop.exec("true", DEADLINE);
        }
        List<Long> pooled = new ArrayList<>();
        List<Long> viaAgent = new ArrayList<>();
        List<Long> controlMaster = new ArrayList<>();
        List<Long> controlMasterDefault = new ArrayList<>();
        List<Long> passenger = new ArrayList<>();
        List<Long> shellLoop = new ArrayList<>();
        List<Long> freshSsh = new ArrayList<>();
        List<Long> freshSshDefault = new ArrayList<>();
        int freshEvery = Math.max(1, iterations / Math.max(1, freshRuns));
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            host.exec(trueCommand, DEADLINE);
            long t1 = System.nanoTime();
            agent.exec(trueCommand, DEADLINE);
            long t2 = System.nanoTime();
            pooled.add(t1 - t0);
            viaAgent.add(t2 - t1);
            controlMaster.add(SshBenchSupport.run(viaMaster, DEADLINE));
            controlMasterDefault.add(SshBenchSupport.run(viaDefaultMaster, DEADLINE));
            passenger.add((long) (mux.one(0, DEADLINE) * 1e6));
            shellLoop.add(loop.exec("true", DEADLINE));
            if (i % freshEvery == 0 && freshSsh.size() < freshRuns) {
                freshSsh.add(SshBenchSupport.run(fresh, DEADLINE));
                freshSshDefault.add(SshBenchSupport.run(freshDefault, DEADLINE));
            }
        }

        double p50 = median(pooled);
        double agentP50 = median(viaAgent);
        double freshP50 = median(freshSsh);
        double freshDefaultP50 = median(freshSshDefault);
        double masterP50 = median(controlMaster);
        double masterDefaultP50 = median(controlMasterDefault);
        double muxP50 = median(passenger);
        double loopP50 = median(shellLoop);
        log("pooled %.2f ms, agent %.2f ms; OpenSSH with JSch's algorithms: ControlMaster CLI %.2f ms, ControlMaster"
                + " without a process per call %.2f ms, shell loop %.2f ms, fresh ssh %.2f ms; OpenSSH defaults:"
                + " ControlMaster CLI %.2f ms, fresh ssh %.2f ms (first call incl. connect %.0f ms)", p50, agentP50,
                masterP50, muxP50, loopP50, freshP50, masterDefaultP50, freshDefaultP50, firstCallMs);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("bench", "ssh-exec");
        json.put("p50_ms", round(p50));
        json.put("agent_p50_ms", round(agentP50));
        json.put("openssh_fresh_p50_ms", round(freshP50));
        json.put("openssh_controlmaster_p50_ms", round(masterP50));
        json.put("openssh_mux_p50_ms", round(muxP50));
        json.put("openssh_shell_loop_p50_ms", round(loopP50));
        json.put("ratio_vs_fresh", round(freshP50 / p50));
        json.put("ratio_vs_controlmaster", round(masterP50 / p50));
        json.put("ratio_vs_mux", round(muxP50 / p50));
        json.put("agent_ratio_vs_controlmaster", round(masterP50 / agentP50));
        json.put("agent_ratio_vs_shell_loop", round(loopP50 / agentP50));
        json.put("openssh_fresh_default_p50_ms", round(freshDefaultP50));
        json.put("openssh_controlmaster_default_p50_ms", round(masterDefaultP50));
        json.put("ratio_vs_fresh_default", round(freshDefaultP50 / p50));
        json.put("ratio_vs_controlmaster_default", round(masterDefaultP50 / p50));
        peers.ours().putJson(json, "ours");
        peers.openssh().putJson(json, "openssh");
        peers.opensshDefault().putJson(json, "openssh_default");
        json.put("rounds", iterations);
        json.put("fresh_runs", freshSsh.size());
        json.put("first_call_with_connect_ms", round(firstCallMs));
        json.put("load_avg_1m", SshBenchSupport.loadAverage());
        System.out.println(SshBenchSupport.json(json));
    }
}
