package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostEvent;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import io.junitmultihost.lab.Lab;
import io.junitmultihost.lab.LabHost;
import io.junitmultihost.lab.LabOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lab hosts reached through an inventory, one directly and one behind a {@link NatForwarder} (a
 * port forward that accepts for a host that is down and says nothing, as QEMU's user network does
 * for a guest rebooted with {@code reboot -f}). Each host's reboot command comes from the
 * inventory. How long after the host went down DOWN is seen, and how long after its sshd answers
 * UP is seen, is logged (the figures in docs/REBOOTS.md); nothing here bounds them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForwardedInventoryRebootIT {

    private static final Logger LOG = LoggerFactory.getLogger(ForwardedInventoryRebootIT.class);
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final int ROUNDS = 3;

    private Lab lab;
    private NatForwarder forwarder;
    private HostPool pool;
    private HostLease lease;
    private LabHost directLab;
    private LabHost forwardedLab;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        MustNotSkip.requireLab();
        lab = Lab.start(LabOptions.builder().hosts(2).maxHosts(2).downTime(Duration.ofSeconds(5)).build());
        directLab = lab.hosts().get(0);
        forwardedLab = lab.hosts().get(1);
        forwarder = new NatForwarder(forwardedLab.address(), 22);
        String forwardedKey = forwardedLab.knownHostsLine().substring(forwardedLab.knownHostsLine().indexOf(' ') + 1);
        Path knownHosts = Files.write(dir.resolve("known_hosts"), List.of(directLab.knownHostsLine(),
                "[127.0.0.1]:" + forwarder.port() + " " + forwardedKey));
        Path inventory = Files.write(dir.resolve("fleet.yml"), List.of(
                "defaults:",
                "  user: root",
                "  identity: " + lab.clientKey(),
                "  reboot_command: touch /root/rebooted-by-default-command && reboot",
                "hosts:",
                "  - name: direct",
                "    address: " + directLab.address(),
                "  - name: forwarded",
                "    address: 127.0.0.1",
                "    port: " + forwarder.port(),
                "    reboot_command: touch /root/rebooted-by-own-command && reboot -f"));
        pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "inventory",
                "multihost.inventory", inventory.toString(), "multihost.inventory.ssh-config", "none",
                "multihost.inventory.known-hosts", knownHosts.toString())));
        lease = pool.lease(ForwardedInventoryRebootIT.class.getName(), List.of(new RoleDeclaration("node", 2, 2)));
    }

    @AfterAll
    void stop() throws IOException {
        if (lease != null) {
            lease.close();
        }
        if (pool != null) {
            pool.close();
        }
        if (forwarder != null) {
            forwarder.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    private Host host(String name) {
        return lease.cluster().hosts().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aHostBehindAForwarderIsSeenGoingDownAndComingBackByItsBanner() throws Exception {
        List<long[]> figures = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            figures.add(rebootAndMeasure(host("forwarded"), forwardedLab));
        }
        Reboot last = host("forwarded").reboot(RebootOptions.defaults());
        last.awaitUp(WAIT);

        assertThat(host("forwarded").execShell("test -e /root/rebooted-by-own-command").exitCode())
                .as("the host's own reboot_command was used").isZero();
        assertThat(host("forwarded").execShell("test -e /root/rebooted-by-default-command").exitCode()).isNotZero();
        assertThat(last.history()).filteredOn(e -> e.to() == HostState.DOWN).first().extracting(HostEvent::detail)
                .asString().as("seen by the banner, not by a handshake timing out").contains("sshd no longer answers");
        LOG.info("Behind a forwarder: DOWN seen after the host went down, UP seen after sshd answered (ms): {}",
                figures.stream().map(f -> "[" + f[0] + ", " + f[1] + "]").toList());
    }

    @Test
    void aHostReachedDirectlyUsesTheInventorysDefaultRebootCommand() throws Exception {
        List<long[]> figures = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            figures.add(rebootAndMeasure(host("direct"), directLab));
        }

        assertThat(host("direct").execShell("test -e /root/rebooted-by-default-command").exitCode()).isZero();
        LOG.info("Direct: DOWN seen after the host went down, UP seen after sshd answered (ms): {}",
                figures.stream().map(f -> "[" + f[0] + ", " + f[1] + "]").toList());
    }

    /**
     * Reboots {@code host} and returns {DOWN seen minus the lab host going down, UP seen minus its
     * sshd first sending a banner}, in ms, read by a watcher that polls the lab host directly.
     */
    private long[] rebootAndMeasure(Host host, LabHost labHost) throws Exception {
        AtomicLong wentDown = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        Thread watcher = new Thread(() -> {
            while (labHost.state() == LabHost.State.UP && !Thread.currentThread().isInterrupted()) {
                pause();
            }
            wentDown.set(System.nanoTime());
            while (!bannerFrom(labHost.address()) && !Thread.currentThread().isInterrupted()) {
                pause();
            }
            answered.set(System.nanoTime());
        }, "reboot-watcher");
        watcher.setDaemon(true);
        watcher.start();
        List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var subscription = pool.events().subscribe(e -> {
            if (e.host().equals(host.name()) && (e.to() == HostState.DOWN || e.to() == HostState.UP)) {
                seen.add(System.nanoTime());
            }
        })) {
            Reboot reboot = host.reboot(RebootOptions.defaults());
            reboot.awaitUp(WAIT);
            LOG.info("Reboot of [{}]: {}", host.name(), reboot.history());
        } finally {
            watcher.join(10_000);
            watcher.interrupt();
        }
        assertThat(seen).hasSize(2);
        return new long[] {(seen.get(0) - wentDown.get()) / 1_000_000, (seen.get(1) - answered.get()) / 1_000_000};
    }

    private static boolean bannerFrom(String address) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, 22), 100);
            socket.setSoTimeout(500);
            InputStream in = socket.getInputStream();
            byte[] start = in.readNBytes(4);
            return new String(start, StandardCharsets.US_ASCII).equals("SSH-");
        } catch (IOException e) {
            return false;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
