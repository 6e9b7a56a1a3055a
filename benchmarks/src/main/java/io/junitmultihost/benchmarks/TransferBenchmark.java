package io.junitmultihost.benchmarks;

import static io.junitmultihost.benchmarks.SshBenchSupport.intArg;
import static io.junitmultihost.benchmarks.SshBenchSupport.log;
import static io.junitmultihost.benchmarks.SshBenchSupport.round;

import io.junitmultihost.lab.Lab;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.ssh.RemoteCommand;
import io.junitmultihost.ssh.SshHost;
import io.junitmultihost.ssh.SshPool;
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
 * ControlMaster, so that neither side pays for connecting. Throughput = bytes moved both ways /
 * time, best of the rounds after one warm-up round each. Arguments: {@code mib=N}, {@code rounds=N}
 * (default 5), {@code subnet=}.
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

    public static void main(String[] args) throws Exception {
        Map<String, String> options = SshBenchSupport.args(args);
        int mib = intArg(options, "mib", 100);
        int rounds = intArg(options, "rounds", 5);
        Path dir = Files.createTempDirectory("transfer-bench");
        try (Lab lab = SshBenchSupport.startLab(1, options); SshPool pool = SshPool.create()) {
            HostSpec spec = lab.hosts().get(0).spec();
            Path knownHosts = SshBenchSupport.knownHostsFile(dir, List.of(spec));
            String target = spec.user() + "@" + spec.address();
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
            SshBenchSupport.run(SshBenchSupport.ssh(spec, knownHosts, "-M", "-N", "-f", "-o",
                    "ControlPath=" + controlPath, "-o", "ControlPersist=600", target), DEADLINE);
            List<Double> ours = new ArrayList<>();
            List<Double> openssh = new ArrayList<>();
            try {
                List<String> scp = new ArrayList<>(SshBenchSupport.ssh(spec, knownHosts, "-o",
                        "ControlPath=" + controlPath));
                scp.set(0, "/usr/bin/scp");
                scp.remove("-T");
                int portFlag = scp.indexOf("-p");
                scp.set(portFlag, "-P");
                scp.add(1, "-q");
                for (int round = -1; round < rounds; round++) { // round -1 warms up both sides
                    Path back = dir.resolve("back-ours");
                    long t0 = System.nanoTime();
                    host.upload(file, "/tmp/bench-ours", DEADLINE);
                    host.download("/tmp/bench-ours", back, DEADLINE);
                    long t1 = System.nanoTime();
                    double oursRate = 2.0 * mib / ((t1 - t0) / 1e9);
                    Files.delete(back);

                    List<String> up = new ArrayList<>(scp);
                    up.addAll(List.of(file.toString(), target + ":/tmp/bench-scp"));
                    List<String> down = new ArrayList<>(scp);
                    down.addAll(List.of(target + ":/tmp/bench-scp", dir.resolve("back-scp").toString()));
                    long t2 = System.nanoTime();
                    SshBenchSupport.run(up, DEADLINE);
                    SshBenchSupport.run(down, DEADLINE);
                    long t3 = System.nanoTime();
                    double opensshRate = 2.0 * mib / ((t3 - t2) / 1e9);
                    Files.delete(dir.resolve("back-scp"));
                    log("%s: ours %.1f MiB/s, scp %.1f MiB/s", round < 0 ? "warm-up" : "round " + (round + 1), oursRate,
                            opensshRate);
                    if (round >= 0) {
                        ours.add(oursRate);
                        openssh.add(opensshRate);
                    }
                }
                host.exec(RemoteCommand.argv("rm", "-f", "/tmp/bench-ours", "/tmp/bench-scp"), DEADLINE);
            } finally {
                SshBenchSupport.runQuietly(SshBenchSupport.ssh(spec, knownHosts, "-o", "ControlPath=" + controlPath,
                        "-O", "exit", target), DEADLINE);
            }
            double best = ours.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            double opensshBest = openssh.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("bench", "transfer");
            json.put("mib", mib);
            json.put("mib_s", round(best));
            json.put("openssh_mib_s", round(opensshBest));
            json.put("ratio", round(best / opensshBest));
            json.put("median_mib_s", round(medianOf(ours)));
            json.put("openssh_median_mib_s", round(medianOf(openssh)));
            json.put("rounds", rounds);
            System.out.println(SshBenchSupport.json(json));
        } finally {
            SshBenchSupport.deleteTree(dir);
        }
    }
}
