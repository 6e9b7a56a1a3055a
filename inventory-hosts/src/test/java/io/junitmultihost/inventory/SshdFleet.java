package io.junitmultihost.inventory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Test fixture: a fleet of real OpenSSH sshd hosts on 127.0.0.1, started and stopped with
 * {@code sshd-fleet.sh} (in the test resources; run it by hand to use the fleet outside tests).
 * {@link #providerConfig()} is what the inventory provider needs to serve the fleet.
 *
 * <pre>
 * try (SshdFleet fleet = SshdFleet.start(dir, 2)) {
 *     HostProvider hosts = new InventoryHostProviderFactory().create(new ProviderConfig(fleet.providerConfig()));
 * }
 * </pre>
 */
final class SshdFleet implements AutoCloseable {

    private static final Duration SCRIPT_DEADLINE = Duration.ofSeconds(60);

    private final Path dir;
    private final Map<String, Integer> ports;

    private SshdFleet(Path dir, Map<String, Integer> ports) {
        this.dir = dir;
        this.ports = ports;
    }

    /** Starts {@code hosts} sshd hosts with their files in {@code dir}; fails saying why if it cannot. */
    static SshdFleet start(Path dir, int hosts) {
        run("start", dir.toString(), Integer.toString(hosts));
        SshdFleet fleet = new SshdFleet(dir, readPorts(dir));
        Runtime.getRuntime().addShutdownHook(new Thread(fleet::close, "sshd-fleet-stop"));
        return fleet;
    }

    Path inventory() {
        return dir.resolve("inventory.yml");
    }

    Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    Path identity() {
        return dir.resolve("id_ed25519");
    }

    /** A client config with an alias per host ({@code ssh -F sshConfig() h1}). */
    Path sshConfig() {
        return dir.resolve("ssh_config");
    }

    /** Port by host name ({@code h1}, {@code h2}, ...), in order. */
    Map<String, Integer> ports() {
        return ports;
    }

    /** The pids of the running sshds. */
    List<Long> pids() throws IOException {
        List<Long> pids = new ArrayList<>();
        for (String host : ports.keySet()) {
            Path pidFile = dir.resolve(host).resolve("sshd.pid");
            if (Files.exists(pidFile)) {
                pids.add(Long.parseLong(Files.readString(pidFile).strip()));
            }
        }
        return pids;
    }

    /** The configuration parameters that make the inventory provider serve this fleet. */
    Map<String, String> providerConfig() {
        return Map.of(InventoryConstants.INVENTORY, inventory().toString(),
                InventoryConstants.KNOWN_HOSTS, knownHosts().toString(),
                InventoryConstants.SSH_CONFIG, InventoryConstants.NONE);
    }

    /** Stops every sshd of the fleet; idempotent. */
    @Override
    public void close() {
        run("stop", dir.toString());
    }

    private static Map<String, Integer> readPorts(Path dir) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(dir.resolve("hosts"))) {
                String[] f = line.split(" ");
                ports.put(f[0], Integer.parseInt(f[1]));
            }
        } catch (IOException e) {
            throw new IllegalStateException("The fleet in [" + dir + "] wrote no hosts file.", e);
        }
        return ports;
    }

    private static String run(String... args) {
        Path script = script();
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            InputStream out = p.getInputStream();
            if (!p.waitFor(SCRIPT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("[" + String.join(" ", command) + "] did not finish within [" + SCRIPT_DEADLINE + "].");
            }
            String output = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                throw new IllegalStateException("[" + String.join(" ", command) + "] failed with exit code [" + p.exitValue() + "]: "
                        + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("Could not run [" + String.join(" ", command) + "]: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running [" + String.join(" ", command) + "].", e);
        }
    }

    private static Path script() {
        try {
            return Path.of(SshdFleet.class.getResource("/sshd-fleet.sh").toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("The test resource [sshd-fleet.sh] is missing.", e);
        }
    }
}
