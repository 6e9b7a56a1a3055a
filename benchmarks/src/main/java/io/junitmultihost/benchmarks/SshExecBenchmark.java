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
 * the resident agent, against OpenSSH's client run fresh per command and through a ControlMaster.
 * The three warm paths are measured in interleaved rounds, so that load on the machine hits them
 * alike. Arguments: {@code iterations=N} (default 200), {@code fresh=N} (default 30), {@code subnet=}.
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
            RemoteCommand trueCommand = RemoteCommand.argv("true");

            long connectStarted = System.nanoTime();
            SshHost host = pool.host(SshBenchSupport.target(spec));
            host.exec(trueCommand, DEADLINE);
            double firstCallMs = (System.nanoTime() - connectStarted) / 1e6;
            HostAgent agent = host.agent(DEADLINE);
            if (!agent.isResident()) {
                throw new IllegalStateException("The resident agent did not start on " + spec.name());
            }
            String controlPath = dir.resolve("cm").toString();
            List<String> master = SshBenchSupport.ssh(spec, knownHosts, "-M", "-N", "-f", "-o",
                    "ControlPath=" + controlPath, "-o", "ControlPersist=600", target);
            SshBenchSupport.run(master, DEADLINE);
            List<String> stopMaster = SshBenchSupport.ssh(spec, knownHosts, "-o", "ControlPath=" + controlPath, "-O",
                    "exit", target);
            try {
                measure(options, iterations, freshRuns, host, agent, spec, knownHosts, target, controlPath, firstCallMs);
            } finally {
                SshBenchSupport.runQuietly(stopMaster, DEADLINE);
            }
        } finally {
            SshBenchSupport.deleteTree(dir);
        }
    }

    private static void measure(Map<String, String> options, int iterations, int freshRuns, SshHost host,
            HostAgent agent, HostSpec spec, Path knownHosts, String target, String controlPath, double firstCallMs) {
            RemoteCommand trueCommand = RemoteCommand.argv("true");
            List<String> viaMaster = SshBenchSupport.ssh(spec, knownHosts, "-o", "ControlPath=" + controlPath,
                    target, "true");
            List<String> fresh = SshBenchSupport.ssh(spec, knownHosts, "-o", "ControlPath=none", target, "true");

            for (int i = 0; i < 20; i++) { // warm-up: JIT, caches on the host
                host.exec(trueCommand, DEADLINE);
                agent.exec(trueCommand, DEADLINE);
                SshBenchSupport.run(viaMaster, DEADLINE);
            }
            List<Long> pooled = new ArrayList<>();
            List<Long> viaAgent = new ArrayList<>();
            List<Long> controlMaster = new ArrayList<>();
            List<Long> freshSsh = new ArrayList<>();
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
                if (i % freshEvery == 0 && freshSsh.size() < freshRuns) {
                    freshSsh.add(SshBenchSupport.run(fresh, DEADLINE));
                }
            }

            double p50 = median(pooled);
            double agentP50 = median(viaAgent);
            double freshP50 = median(freshSsh);
            double masterP50 = median(controlMaster);
            log("pooled %.2f ms, agent %.2f ms, ControlMaster %.2f ms, fresh ssh %.2f ms (first call incl. connect"
                    + " %.0f ms)", p50, agentP50, masterP50, freshP50, firstCallMs);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("bench", "ssh-exec");
            json.put("p50_ms", round(p50));
            json.put("agent_p50_ms", round(agentP50));
            json.put("openssh_fresh_p50_ms", round(freshP50));
            json.put("openssh_controlmaster_p50_ms", round(masterP50));
            json.put("ratio_vs_fresh", round(freshP50 / p50));
            json.put("ratio_vs_controlmaster", round(masterP50 / p50));
            json.put("agent_ratio_vs_controlmaster", round(masterP50 / agentP50));
            json.put("iterations", iterations);
            json.put("fresh_runs", freshSsh.size());
            json.put("first_call_with_connect_ms", round(firstCallMs));
            System.out.println(SshBenchSupport.json(json));
    }
}
