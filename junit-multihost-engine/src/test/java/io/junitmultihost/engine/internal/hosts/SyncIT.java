package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.Sync;
import io.junitmultihost.api.SyncOutcome;
import io.junitmultihost.api.SyncRequest;
import io.junitmultihost.api.SyncResult;
import io.junitmultihost.api.SyncState;
import io.junitmultihost.api.Vote;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Remote sync through the engine's {@link Sync} handle: shell scripts on two hosts (mh-sync over
 * curl, through SSH remote forwards) and the test JVM meet at syncpoints; a host that dies fails
 * the others at once, naming it; votes and messages make the round trip; an engine-initiated
 * reboot while a sync waits for the host is not taken for a death. On embedded hosts and on the
 * lab (real OpenSSH hosts in namespaces; fails on CI or as root when the lab cannot run, see MustNotSkip).
 */
class SyncIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @ParameterizedTest(name = "on {0} hosts")
    @ValueSource(strings = {"embedded", "lab"})
    void shellScriptsOnTwoHostsAndTheTestJvmMeetAtSyncpoints(String provider) throws Exception {
        try (Hosts hosts = Hosts.of(provider, 2)) {
            Host a = hosts.get(0);
            Host b = hosts.get(1);
            CompletableFuture<ExecResult> onA = script(hosts.sync, a, "sync one --participants controller," + b.name()
                    + " --timeout 30s && \"$MH\" sync two --participants controller," + b.name() + " --timeout 30s");
            CompletableFuture<ExecResult> onB = script(hosts.sync, b, "sync one --participants controller," + a.name()
                    + " --timeout 30s && \"$MH\" sync two --participants controller," + a.name() + " --timeout 30s");

            SyncResult one = hosts.sync.remsync("one", List.of(a.name(), b.name()), STEP);
            SyncResult two = hosts.sync.remsync("two", List.of(a.name(), b.name()), STEP);

            assertThat(one.states()).containsValues(SyncState.SYNCED_YES).doesNotContainValue(SyncState.DEAD);
            assertThat(two.success()).isTrue();
            assertThat(onA.get(30, TimeUnit.SECONDS).exitCode()).as(onA.get().stderr()).isZero();
            assertThat(onB.get(30, TimeUnit.SECONDS).exitCode()).as(onB.get().stderr()).isZero();
        }
    }

    @ParameterizedTest(name = "on {0} hosts")
    @ValueSource(strings = {"embedded", "lab"})
    void aHostThatDiesMidSyncFailsTheOthersAtOnceNamingIt(String provider) throws Exception {
        try (Hosts hosts = Hosts.of(provider, 2)) {
            Host alive = hosts.get(0);
            Host doomed = hosts.get(1);
            CompletableFuture<ExecResult> onDoomed = script(hosts.sync, doomed,
                    "sync gather --participants controller," + alive.name() + " --timeout 60s");
            CompletableFuture<SyncResult> controller = hosts.sync.syncAsync(
                    SyncRequest.to("gather").with(alive.name(), doomed.name()).timeout(Duration.ofSeconds(60)));
            awaitArrivals(hosts.sync, "gather", List.of("controller", doomed.name()));

            Instant killed = Instant.now();
            RebootMachineIT.control(doomed).powerOff();
            SyncResult result = controller.get(60, TimeUnit.SECONDS);

            assertThat(Duration.between(killed, Instant.now())).isLessThan(Duration.ofSeconds(20));
            assertThat(result.success()).isFalse();
            assertThat(result.states()).containsEntry(doomed.name(), SyncState.DEAD)
                    .containsEntry(alive.name(), SyncState.NOT_SYNCED);
            assertThat(result.reason()).contains(doomed.name());
            ExecResult late = script(hosts.sync, alive, "sync gather --participants controller," + doomed.name()
                    + " --timeout 60s").get(30, TimeUnit.SECONDS);
            assertThat(late.exitCode()).as("a late arrival at a failed syncpoint").isNotZero();
            onDoomed.handle((r, e) -> null).get(60, TimeUnit.SECONDS);
            RebootMachineIT.control(doomed).powerOn();
        }
    }

    @ParameterizedTest(name = "on {0} hosts")
    @ValueSource(strings = {"embedded", "lab"})
    void aNoVoteAndAMessageMakeTheRoundTrip(String provider) throws Exception {
        try (Hosts hosts = Hosts.of(provider, 1)) {
            Host host = hosts.get(0);
            CompletableFuture<ExecResult> sender = script(hosts.sync, host,
                    "sync report --participants controller --vote no --message 'disk full on /var' --timeout 30s");

            SyncResult report = hosts.sync.sync(SyncRequest.to("report").with(host.name()).timeout(STEP));

            assertThat(report.success()).isFalse();
            assertThat(report.states()).containsEntry(host.name(), SyncState.SYNCED_NO);
            assertThat(report.message()).hasValueSatisfying(m -> assertThat(m.text()).isEqualTo("disk full on /var"));
            sender.get(30, TimeUnit.SECONDS);

            CompletableFuture<ExecResult> receiver = script(hosts.sync, host,
                    "sync go --participants controller --timeout 30s");
            SyncResult go = hosts.sync.sync(SyncRequest.to("go").with(host.name()).vote(Vote.YES)
                    .message("start the load at 10:00").timeout(STEP));

            assertThat(go.success()).isTrue();
            assertThat(receiver.get(30, TimeUnit.SECONDS).stdout()).contains("start the load at 10:00");
        }
    }

    @ParameterizedTest(name = "on {0} hosts")
    @ValueSource(strings = {"embedded", "lab"})
    void anEngineRebootWhileASyncWaitsForTheHostIsNotADeath(String provider) throws Exception {
        try (Hosts hosts = Hosts.of(provider, 1)) {
            Host host = hosts.get(0);
            CompletableFuture<SyncResult> controller = hosts.sync.syncAsync(
                    SyncRequest.to("after-reboot").with(host.name()).timeout(Duration.ofSeconds(90)));

            String newBoot = host.reboot().awaitUp(Duration.ofSeconds(90));
            ExecResult afterwards = script(hosts.sync, host,
                    "sync after-reboot --participants controller --timeout 30s").get(60, TimeUnit.SECONDS);

            assertThat(afterwards.exitCode()).as(afterwards.stderr()).isZero();
            SyncResult result = controller.get(30, TimeUnit.SECONDS);
            assertThat(result.outcome()).isEqualTo(SyncOutcome.RELEASED);
            assertThat(host.bootId()).isEqualTo(newBoot);
        }
    }

    /**
     * After a cut link the host's sshd still holds the old forward's port for the lost connection,
     * so the forward comes back on another port and the host's sync settings follow it.
     */
    @org.junit.jupiter.api.Test
    void aHostSyncsAgainAfterItsLinkWasCut() throws Exception {
        try (Hosts hosts = Hosts.of("lab", 1)) {
            Host host = hosts.get(0);
            CompletableFuture<ExecResult> before = script(hosts.sync, host, "sync before --participants controller"
                    + " --timeout 30s");
            assertThat(hosts.sync.remsync("before", List.of(host.name()), STEP).success()).isTrue();
            assertThat(before.get(30, TimeUnit.SECONDS).exitCode()).isZero();

            RebootMachineIT.control(host).cutLink();
            // the connection is found dead (its channel does not open in time) and dropped
            org.assertj.core.api.Assertions.catchThrowable(() -> host.exec(Command.shell("true")
                    .withDeadline(Duration.ofSeconds(3))));
            RebootMachineIT.control(host).restoreLink();
            CompletableFuture<ExecResult> after = script(hosts.sync, host, "sync after --participants controller"
                    + " --timeout 30s");
            SyncResult result = hosts.sync.remsync("after", List.of(host.name()), STEP);

            assertThat(after.get(30, TimeUnit.SECONDS).exitCode()).as(after.get().stderr()).isZero();
            assertThat(result.success()).isTrue();
        }
    }

    /** A host whose forward to the sync server cannot come back fails the syncs that wait for it at once, naming it. */
    @org.junit.jupiter.api.Test
    void aHostWhoseSyncForwardCannotComeBackFailsTheSyncsWaitingForItAtOnce() throws Exception {
        try (Hosts hosts = Hosts.of("lab", 1)) {
            Host host = hosts.get(0);
            hosts.sync.script(host); // the forward and sync.env are set up
            // the host's sshd now refuses forwards (the lab's init starts it again with the new config)
            host.exec(Command.shell("echo 'AllowTcpForwarding no' >> /run/multihost-lab/sshd_config"
                    + " && kill $(cat /run/sshd.pid)").withDeadline(STEP)).assertSuccess();
            RebootMachineIT.control(host).cutLink();
            org.assertj.core.api.Assertions.catchThrowable(() -> host.exec(Command.shell("true")
                    .withDeadline(Duration.ofSeconds(3))));
            RebootMachineIT.control(host).restoreLink();
            CompletableFuture<SyncResult> waiting = hosts.sync.syncAsync(
                    SyncRequest.to("after-cut").with(host.name()).timeout(Duration.ofSeconds(60)));

            Instant reconnected = Instant.now();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> host.exec(Command.shell("true").withDeadline(STEP)).exitCode() == 0);
            SyncResult result = waiting.get(30, TimeUnit.SECONDS);

            assertThat(Duration.between(reconnected, Instant.now())).isLessThan(Duration.ofSeconds(20));
            assertThat(result.success()).isFalse();
            assertThat(result.states()).containsEntry(host.name(), SyncState.DEAD);
            assertThat(result.reason()).contains(host.name(), "sync server");
        }
    }

    /** Runs mh-sync with {@code arguments} on {@code host} in the background of this JVM. */
    private static CompletableFuture<ExecResult> script(Sync sync, Host host, String arguments) {
        String mh = sync.script(host);
        return CompletableFuture.supplyAsync(() -> host.exec(Command.shell("\"$MH\" " + arguments)
                .withEnv("MH", mh).withDeadline(Duration.ofSeconds(90))));
    }

    private static void awaitArrivals(Sync sync, String syncpoint, List<String> expected) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            Map<String, SyncState> states = sync.status(syncpoint).map(SyncResult::states).orElse(Map.of());
            if (expected.stream().allMatch(p -> states.get(p) == SyncState.SYNCED_YES)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("Not everyone of " + expected + " arrived at [" + syncpoint + "] within 30 s.");
    }

    /** A pool and a lease of {@code n} hosts of one provider, with the lease's Sync handle. */
    private static final class Hosts implements AutoCloseable {
        final HostPool pool;
        final HostLease lease;
        final Sync sync;

        private Hosts(HostPool pool, HostLease lease) {
            this.pool = pool;
            this.lease = lease;
            this.sync = lease.cluster().sync();
        }

        static Hosts of(String provider, int n) {
            if (provider.equals("lab")) {
                MustNotSkip.requireLab();
            }
            HostPool pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", provider,
                    "multihost.embedded.reboot-down-time", "500ms", "multihost.lab.down-time", "1s",
                    "multihost.hosts.timeout", "2m")));
            try {
                return new Hosts(pool, pool.lease(SyncIT.class.getName(), List.of(new RoleDeclaration("node", n, n))));
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
        }

        Host get(int i) {
            return lease.cluster().hosts().get(i);
        }

        @Override
        public void close() {
            lease.close();
            pool.close();
        }
    }
}
