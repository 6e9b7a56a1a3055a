package io.junitmultihost.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.lab.Lab;
import io.junitmultihost.lab.LabHost;
import io.junitmultihost.lab.LabOptions;
import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.spi.ProviderConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * The provider against real OpenSSH sshd hosts it did not create: each {@link HostSpec} it makes
 * must take {@code /usr/bin/ssh} (strict host key checking, batch mode, nothing from the user's
 * own SSH config) to exactly that host. The ProxyJump test runs on two lab hosts (root), the target
 * cut off from this machine so that only the jump host reaches it.
 */
class InventoryOnRealSshdIT {

    private static final Duration SSH_DEADLINE = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static SshdFleet fleet;

    @BeforeAll
    static void startFleet() {
        fleet = SshdFleet.start(dir.resolve("fleet"), 2);
    }

    @AfterAll
    static void stopFleetAndCheckNothingRemains() throws IOException {
        List<Long> pids = fleet.pids();
        fleet.close();
        assertThat(pids).hasSize(2).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
                .as("sshd [%s] after stop", pid).isEmpty());
    }

    @Test
    void eachHostOfTheFleetsInventoryIsReachedWithTheSpecTheProviderMade() throws IOException {
        List<HostSpec> hosts = provider(fleet.providerConfig()).hosts("any", 10, Set.of(), Duration.ofSeconds(5));

        assertThat(hosts).extracting(HostSpec::name).containsExactly("h1", "h2");
        for (HostSpec host : hosts) {
            assertThat(host.knownHosts()).hasSize(2);
            assertThat(ssh(host, "echo $MULTIHOST_FLEET_HOST")).isEqualTo(new Result(0, host.name()));
        }
    }

    @Test
    void anAnsibleInventoryCompletedByAnSshConfigReachesEachHost() throws IOException {
        int p1 = fleet.ports().get("h1");
        int p2 = fleet.ports().get("h2");
        Path inventory = Files.writeString(dir.resolve("hosts.ini"), String.join("\n",
                "[servers]",
                "alpha",
                "beta ansible_host=127.0.0.1 ansible_port=" + p2 + " ansible_ssh_private_key_file=" + fleet.identity(),
                "", "[servers:vars]", "ansible_user=" + LocalPaths.localUser(), ""));
        Path sshConfig = Files.writeString(dir.resolve("ssh_config"), String.join("\n",
                "Host alpha", "  HostName 127.0.0.1", "  Port " + p1, "  IdentityFile " + fleet.identity(),
                "Host *", "  User nobody-by-default", "  UserKnownHostsFile " + fleet.knownHosts(), ""));

        Map<String, HostSpec> hosts = new HashMap<>();
        provider(Map.of(InventoryConstants.INVENTORY, inventory.toString(), InventoryConstants.SSH_CONFIG, sshConfig.toString()))
                .hosts("servers", 10, Set.of(), Duration.ofSeconds(5)).forEach(h -> hosts.put(h.name(), h));

        assertThat(hosts.get("alpha").port()).isEqualTo(p1);
        assertThat(ssh(hosts.get("alpha"), "echo $MULTIHOST_FLEET_HOST")).isEqualTo(new Result(0, "h1"));
        assertThat(ssh(hosts.get("beta"), "echo $MULTIHOST_FLEET_HOST")).isEqualTo(new Result(0, "h2"));
    }

    @Test
    void aProxyJumpThroughOneHostReachesTheOther() throws IOException {
        try (Lab lab = startLab()) {
            LabHost jump = lab.hosts().get(0);
            LabHost target = lab.hosts().get(1);
            target.cutFromMachine();
            Path knownHosts = Files.write(dir.resolve("lab_known_hosts"), List.of(jump.knownHostsLine(), target.knownHostsLine()));
            Path inventory = Files.writeString(dir.resolve("jump.yml"), String.join("\n",
                    "defaults:", "  user: root", "  identity: " + lab.clientKey(),
                    "hosts:", "  - name: behind", "    address: " + target.address(),
                    "    proxy_jump: root@" + jump.address() + ":22", ""));

            HostSpec behind = provider(Map.of(InventoryConstants.INVENTORY, inventory.toString(),
                    InventoryConstants.KNOWN_HOSTS, knownHosts.toString(), InventoryConstants.SSH_CONFIG, InventoryConstants.NONE))
                    .hosts("any", 1, Set.of(), Duration.ofSeconds(5)).get(0);

            assertThat(behind.proxyJump()).contains("root@" + jump.address() + ":22");
            assertThat(ssh(behind.toBuilder().proxyJump(null).build(), "true").exitCode()).as("the direct path is cut")
                    .isEqualTo(255);
            // The target's sshd sees the jump host as its client.
            assertThat(ssh(behind, "echo $SSH_CLIENT; hostname"))
                    .satisfies(r -> assertThat(r.exitCode()).as(r.output()).isZero())
                    .satisfies(r -> assertThat(r.output()).startsWith(jump.address() + " ").endsWith("\n" + target.name()));
        }
    }

    /** Two lab hosts; fails when CI=true and the lab cannot run here, and skips (saying why) elsewhere. */
    private static Lab startLab() {
        try {
            return Lab.start(LabOptions.builder().hosts(2).build());
        } catch (ConfigurationException e) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("CI=true and the lab cannot run here: " + e.getMessage(), e);
            }
            throw new TestAbortedException("The lab cannot run here: " + e.getMessage(), e);
        }
    }

    @Test
    void aHostWhoseKeyDoesNotMatchItsKnownHostsIsRefused() throws IOException {
        HostSpec h1 = provider(fleet.providerConfig()).hosts("any", 1, Set.of(), Duration.ofSeconds(5)).get(0);
        // Vouch for h2's key at h1's address: strict checking must refuse h1.
        String h2Key = h1.knownHosts().get(1).split(" ", 2)[1];
        HostSpec impostor = h1.toBuilder().knownHosts(List.of("[127.0.0.1]:" + h1.port() + " " + h2Key)).build();

        Result result = ssh(impostor, "echo reached");

        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.output()).contains("Host key verification failed");
    }

    @Test
    void rebootCommandsOnAFleetHostResolveToShimsThatRefuseSinceTheHostIsThisMachine() throws IOException {
        HostSpec h1 = provider(fleet.providerConfig()).hosts("any", 1, Set.of(), Duration.ofSeconds(5)).get(0);
        String shims = dir.resolve("fleet/bin").toString();

        // Runs the forced reboot only where it resolves to a shim: this test must never be the hazard.
        Result result = ssh(h1, "for c in reboot poweroff halt shutdown systemctl; do command -v $c; done; "
                + "case $(command -v reboot) in " + shims + "/*) reboot -f;; *) echo NOT-SHIMMED;; esac; echo still-up");

        assertThat(result.output().lines().limit(5)).allSatisfy(path -> assertThat(path).startsWith(shims + "/"));
        assertThat(result.output()).contains("sshd-fleet: refusing [reboot -f]", "still-up").doesNotContain("NOT-SHIMMED");
    }

    private static HostProvider provider(Map<String, String> config) {
        return new InventoryHostProviderFactory().create(new ProviderConfig(config));
    }

    record Result(int exitCode, String output) {
    }

    /**
     * Runs {@code command} on {@code host} with /usr/bin/ssh using only what the spec says: its
     * address, port, user, identity, ProxyJump and known_hosts lines; no ssh-agent, no user config.
     */
    private static Result ssh(HostSpec host, String command) throws IOException {
        Path knownHosts = Files.createTempFile(dir, "known_hosts", "");
        Files.write(knownHosts, host.knownHosts());
        // In a file passed with -F, so that the ssh that ProxyJump runs for the jump gets the same options.
        Path config = Files.writeString(Files.createTempFile(dir, "ssh_config", ""), String.join("\n",
                "Host *", "  BatchMode yes", "  StrictHostKeyChecking yes", "  UserKnownHostsFile " + knownHosts,
                "  GlobalKnownHostsFile /dev/null", "  IdentitiesOnly yes", "  IdentityAgent none", "  ConnectTimeout 10",
                host.identityFile().map(f -> "  IdentityFile " + f).orElse(""), ""));
        List<String> argv = new ArrayList<>(List.of("/usr/bin/ssh", "-F", config.toString(), "-p", Integer.toString(host.port()),
                "-l", host.user()));
        host.proxyJump().ifPresent(j -> argv.addAll(List.of("-J", j)));
        argv.addAll(List.of(host.address(), command));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getOutputStream().close();
        try {
            if (!p.waitFor(SSH_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("[" + String.join(" ", argv) + "] did not finish within [" + SSH_DEADLINE + "].");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted.", e);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    }
}
