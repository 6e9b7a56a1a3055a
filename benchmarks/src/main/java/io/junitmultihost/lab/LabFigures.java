package io.junitmultihost.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Measures the lab on this machine and prints the figures for docs/BENCHMARKS.md, the last line
 * one JSON object: time to bring up 10 and 100 hosts, memory per host (PSS of its processes),
 * {@code ssh true} latency, reboot time, time to close. Run as root with
 * {@code benchmarks/run lab [hosts]}. It lives in the lab's package (in the benchmarks module) to
 * read the lab's internals: namespaces, PIDs and the OpenSSH client it uses.
 */
public final class LabFigures {

    private LabFigures() {
    }

    /** Measures and prints; the last line is one JSON object. */
    public static void main(String[] args) throws Exception {
        int big = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        List<String> json = new ArrayList<>();

        long t0 = System.nanoTime();
        Lab small = Lab.start(LabOptions.builder().hosts(10).build());
        double up10 = seconds(t0);
        long t1 = System.nanoTime();
        small.close();
        double close10 = seconds(t1);
        json.add(field("up_10_hosts_s", up10));
        json.add(field("close_10_hosts_s", close10));
        System.out.printf(Locale.ROOT, "10 hosts up in %.2f s, closed in %.2f s%n", up10, close10);

        t0 = System.nanoTime();
        Lab lab = Lab.start(LabOptions.builder().hosts(big).maxHosts(big).downTime(Duration.ofMillis(500)).build());
        double upBig = seconds(t0);
        Thread.sleep(2000);
        double pssKib = 0;
        int processes = 0;
        for (LabHost host : lab.hosts()) {
            for (long pid : LabNetwork.pids(host.namespace())) {
                pssKib += pssKib(pid);
                processes++;
            }
        }
        double pssPerHostMib = pssKib / big / 1024;
        System.out.printf(Locale.ROOT, "%d hosts up in %.2f s; %.2f MiB PSS per host (%d processes)%n", big, upBig, pssPerHostMib, processes);
        json.add(field("up_" + big + "_hosts_s", upBig));
        json.add(field("pss_per_host_mib", pssPerHostMib));
        json.add(field("processes_per_host", processes / (double) big));

        LabHost host = lab.hosts().get(big / 2);
        List<Double> ssh = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long s = System.nanoTime();
            host.exec("true", Duration.ofSeconds(20));
            ssh.add(seconds(s) * 1000);
        }
        Collections.sort(ssh);
        System.out.printf(Locale.ROOT, "ssh true (/usr/bin/ssh, curve25519 key exchange, new connection each): median %.1f ms, p90 %.1f ms%n",
                ssh.get(ssh.size() / 2), ssh.get(ssh.size() * 9 / 10));
        json.add(field("ssh_true_median_ms", ssh.get(ssh.size() / 2)));
        json.add(field("ssh_true_p90_ms", ssh.get(ssh.size() * 9 / 10)));
        List<Double> sshDefault = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long s = System.nanoTime();
            Exec.run(Duration.ofSeconds(20), List.of("/usr/bin/ssh", "-F", "/dev/null", "-i", lab.clientKey().toString(),
                    "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + host.dir().knownHosts(),
                    "root@" + host.address(), "true")).orThrow("ssh true");
            sshDefault.add(seconds(s) * 1000);
        }
        Collections.sort(sshDefault);
        System.out.printf(Locale.ROOT, "ssh true (/usr/bin/ssh, OpenSSH 9.2 defaults: sntrup761 key exchange): median %.1f ms, p90 %.1f ms%n",
                sshDefault.get(sshDefault.size() / 2), sshDefault.get(sshDefault.size() * 9 / 10));
        json.add(field("ssh_true_default_kex_median_ms", sshDefault.get(sshDefault.size() / 2)));

        List<Double> reboots = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long s = System.nanoTime();
            lab.hosts().get(i).reboot();
            reboots.add(seconds(s));
        }
        Collections.sort(reboots);
        System.out.printf(Locale.ROOT, "reboot back up with a new boot id (down time 0.5 s, %d hosts running): median %.2f s, max %.2f s%n",
                big, reboots.get(2), reboots.get(4));
        json.add(field("reboot_median_s", reboots.get(2)));
        json.add(field("reboot_down_time_s", 0.5));

        t1 = System.nanoTime();
        lab.close();
        double closeBig = seconds(t1);
        System.out.printf(Locale.ROOT, "%d hosts closed in %.2f s%n", big, closeBig);
        json.add(field("close_" + big + "_hosts_s", closeBig));
        json.add("\"cores\":" + Runtime.getRuntime().availableProcessors());
        System.out.println("{\"bench\":\"lab\"," + String.join(",", json) + "}");
    }

    private static String field(String name, double value) {
        return String.format(Locale.ROOT, "\"%s\":%.2f", name, value);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static long pssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone meanwhile
        }
        return 0;
    }
}
