package io.junitmultihost.benchmarks;

import static io.junitmultihost.benchmarks.SshBenchSupport.intArg;
import static io.junitmultihost.benchmarks.SshBenchSupport.log;
import static io.junitmultihost.benchmarks.SshBenchSupport.round;

import io.junitmultihost.lab.Lab;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.ssh.RemoteCommand;
import io.junitmultihost.ssh.SshHost;
import io.junitmultihost.ssh.SshPool;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * transfer: upload then download of a file of random bytes (100 MiB by default) to one lab host,
 * over the pooled session's SFTP, against OpenSSH's {@code scp} (SFTP protocol in OpenSSH 9) over a
 * ControlMaster, so that neither side pays for connecting. The master is offered the key exchange
 * and cipher JSch negotiates (read from both clients and checked equal); a second master keeps
 * OpenSSH's defaults (chacha20-poly1305), reported beside. Throughput = bytes moved both ways /
 * time; ours and both {@code scp} runs take turns, round by round, after one warm-up round each,
 * and each figure is the median of the rounds (the best is in the JSON too). Each {@code scp}
 * starts an {@code scp} and an {@code ssh} process, a few ms of the hundreds a round takes.
 * Arguments: {@code mib=N}, {@code rounds=N} (default 7), {@code subnet=}.
 */
public final class TransferBenchmark {

    private static final Duration DEADLINE = Duration.ofMinutes(5);

    private TransferBenchmark() {
    }

    private static double medianOf(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double best(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = SshBenchSupport.args(args);
        int mib = intArg(options, "mib", 100);
        int rounds = intArg(options, "rounds", 7);
        Path dir = Files.createTempDirectory("transfer-bench");
        try (Lab lab = SshBenchSupport.startLab(1, options); SshPool pool = SshPool.create()) {
            HostSpec spec = lab.hosts().get(0).spec();
            Path knownHosts = SshBenchSupport.knownHostsFile(dir, List.of(spec));
            String target = spec.user() + "@" + spec.address();
            Algorithms ours = Algorithms.ofJsch(spec, knownHosts);
            String[] matched = ours.openSshOptions();
            Algorithms openssh = Algorithms.ofOpenSsh(SshBenchSupport.ssh(spec, knownHosts,
                    Algorithms.with(matched, "-o", "ControlPath=none", target, "true")));
            ours.requireSame(openssh, "OpenSSH offered JSch's algorithms");
            Algorithms opensshDefault = Algorithms.ofOpenSsh(SshBenchSupport.ssh(spec, knownHosts, "-o",
                    "ControlPath=none", target, "true"));
            log("algorithms: JSch %s, OpenSSH matched %s, OpenSSH defaults %s", ours, openssh, opensshDefault);
            Path file = dir.resolve("payload");
            byte[] chunk = new byte[1024 * 1024];
            Random random = new Random(42);
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int i = 0; i < mib; i++) {
                    random.nextBytes(chunk);
                    out.write(chunk);
                }
            }
            SshHost host = pool.host(SshBenchSupport.target(spec));
            host.exec(RemoteCommand.argv("true"), DEADLINE);
            String controlPath = dir.resolve("cm").toString();
            String defaultControlPath = dir.resolve("cm-default").toString();
            SshBenchSupport.run(SshBenchSupport.ssh(spec, knownHosts, Algorithms.with(matched, "-M", "-N", "-f", "-o",
                    "ControlPath=" + controlPath, "-o", "ControlPersist=600", target)), DEADLINE);
            List<Double> oursRates = new ArrayList<>();
            List<Double> opensshRates = new ArrayList<>();
            List<Double> opensshDefaultRates = new ArrayList<>();
            try {
                SshBenchSupport.run(SshBenchSupport.ssh(spec, knownHosts, "-M", "-N", "-f", "-o",
                        "ControlPath=" + defaultControlPath, "-o", "ControlPersist=600", target), DEADLINE);
                List<String> scp = scp(spec, knownHosts, controlPath);
                List<String> scpDefault = scp(spec, knownHosts, defaultControlPath);
                for (int round = -1; round < rounds; round++) { // round -1 warms up every side
                    Path back = dir.resolve("back-ours");
                    long t0 = System.nanoTime();
                    host.upload(file, "/tmp/bench-ours", DEADLINE);
                    host.download("/tmp/bench-ours", back, DEADLINE);
                    long t1 = System.nanoTime();
                    double oursRate = 2.0 * mib / ((t1 - t0) / 1e9);
                    Files.delete(back);
                    double opensshRate = scpRate(scp, file, target, dir, mib);
                    double opensshDefaultRate = scpRate(scpDefault, file, target, dir, mib);
                    log("%s: ours %.1f MiB/s, scp %.1f MiB/s (JSch's algorithms), %.1f MiB/s (OpenSSH defaults)",
                            round < 0 ? "warm-up" : "round " + (round + 1), oursRate, opensshRate, opensshDefaultRate);
                    if (round >= 0) {
                        oursRates.add(oursRate);
                        opensshRates.add(opensshRate);
                        opensshDefaultRates.add(opensshDefaultRate);
                    }
                }
                host.exec(RemoteCommand.argv("rm", "-f", "/tmp/bench-ours", "/tmp/bench-scp"), DEADLINE);
            } finally {
                SshBenchSupport.runQuietly(SshBenchSupport.ssh(spec, knownHosts, "-o", "ControlPath=" + defaultControlPath,
                        "-O", "exit", target), DEADLINE);
                SshBenchSupport.runQuietly(SshBenchSupport.ssh(spec, knownHosts, "-o", "ControlPath=" + controlPath,
                        "-O", "exit", target), DEADLINE);
            }
            double median = medianOf(oursRates);
            double opensshMedian = medianOf(opensshRates);
            double opensshDefaultMedian = medianOf(opensshDefaultRates);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("bench", "transfer");
            json.put("mib", mib);
            json.put("mib_s", round(median));
            json.put("openssh_mib_s", round(opensshMedian));
            json.put("ratio", round(median / opensshMedian));
            json.put("openssh_default_mib_s", round(opensshDefaultMedian));
            json.put("ratio_vs_default", round(median / opensshDefaultMedian));
            json.put("best_mib_s", round(best(oursRates)));
            json.put("openssh_best_mib_s", round(best(opensshRates)));
            json.put("openssh_default_best_mib_s", round(best(opensshDefaultRates)));
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

    /** OpenSSH's scp through the master at {@code controlPath}. */
    private static List<String> scp(HostSpec spec, Path knownHosts, String controlPath) {
        List<String> scp = new ArrayList<>(SshBenchSupport.ssh(spec, knownHosts, "-o", "ControlPath=" + controlPath));
        scp.set(0, "/usr/bin/scp");
        scp.remove("-T");
        int portFlag = scp.indexOf("-p");
        scp.set(portFlag, "-P");
        scp.add(1, "-q");
        return scp;
    }

    /** One upload and download with {@code scp}; MiB/s both ways. */
    private static double scpRate(List<String> scp, Path file, String target, Path dir, int mib) throws IOException {
        List<String> up = new ArrayList<>(scp);
        up.addAll(List.of(file.toString(), target + ":/tmp/bench-scp"));
        List<String> down = new ArrayList<>(scp);
        down.addAll(List.of(target + ":/tmp/bench-scp", dir.resolve("back-scp").toString()));
        long t0 = System.nanoTime();
        SshBenchSupport.run(up, DEADLINE);
        SshBenchSupport.run(down, DEADLINE);
        long t1 = System.nanoTime();
        Files.delete(dir.resolve("back-scp"));
        return 2.0 * mib / ((t1 - t0) / 1e9);
    }
}
