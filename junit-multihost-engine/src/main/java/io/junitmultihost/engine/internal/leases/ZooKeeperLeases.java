package io.junitmultihost.engine.internal.leases;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.HostUnavailableException;
import io.junitmultihost.engine.Constants;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.spi.HumanDuration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryUntilElapsed;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases across machines: one ephemeral ZooKeeper node per host under the root, made through Apache
 * Curator, holding who holds it. The node lives as long as this JVM's session, so a run that dies
 * gives its hosts back when its session expires. When the connection goes away, the leases are in
 * doubt: ZooKeeper may expire the session a session timeout after it last heard from us, which is
 * at least a third of it after Curator says the connection is suspended. So a connection not back
 * within that third, or a lost session, loses every lease held: the listeners hear of it and stop
 * the work on those hosts. Internal; loaded only when {@code multihost.leases.zookeeper} is set.
 */
final class ZooKeeperLeases implements LeaseStore {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperLeases.class);

    private final CuratorFramework client;
    private final String ensemble;
    private final String root;
    private final Duration sessionTimeout;
    /** The nodes held, by host identity. */
    private final Map<String, String> held = new ConcurrentHashMap<>();
    /** Nodes being deleted: still there, but ours no more. */
    private final Set<String> giving = ConcurrentHashMap.newKeySet();
    /** Hosts whose lease was lost while held, with why. */
    private final Map<String, String> lost = new ConcurrentHashMap<>();
    private final AtomicLong losses = new AtomicLong();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService doubt = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "multihost-zookeeper-leases");
        thread.setDaemon(true);
        return thread;
    });
    private volatile ScheduledFuture<?> doubtCheck;

    private ZooKeeperLeases(CuratorFramework client, String ensemble, String root, Duration sessionTimeout) {
        this.client = client;
        this.ensemble = ensemble;
        this.root = root;
        this.sessionTimeout = sessionTimeout;
    }

    /**
     * Connects to {@code ensemble} within {@code connect}.
     *
     * @throws ConfigurationException when the ensemble does not answer in time: no host may be leased
     */
    static ZooKeeperLeases connect(String ensemble, String root, Duration session, Duration connect) {
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(ensemble)
                .sessionTimeoutMs(millis(session)).connectionTimeoutMs(millis(connect))
                .retryPolicy(new RetryUntilElapsed(millis(connect), 250)).build();
        client.start();
        boolean connected;
        try {
            connected = client.blockUntilConnected(millis(connect), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connected = false;
        }
        Duration negotiated;
        try {
            negotiated = connected ? Duration.ofMillis(client.getZookeeperClient().getZooKeeper().getSessionTimeout()) : session;
        } catch (Exception e) {
            connected = false;
            negotiated = session;
        }
        if (!connected) {
            client.close();
            throw new ConfigurationException("The ZooKeeper ensemble [" + ensemble + "] (" + Constants.LEASES_ZOOKEEPER_PROPERTY_NAME
                    + ") did not answer within [" + HumanDuration.of(connect) + "], so no inventory host can be leased and no"
                    + " test that needs one runs. Start the ensemble or check that this machine reaches it, or unset ["
                    + Constants.LEASES_ZOOKEEPER_PROPERTY_NAME + "] to lease hosts on this machine only.");
        }
        ZooKeeperLeases leases = new ZooKeeperLeases(client, ensemble, root, negotiated);
        client.getConnectionStateListenable().addListener((c, state) -> leases.changed(state));
        if (!negotiated.equals(session)) {
            LOG.info("ZooKeeper [{}] set the session timeout to [{}] rather than [{}] (its min/maxSessionTimeout).", ensemble,
                    HumanDuration.of(negotiated), HumanDuration.of(session));
        }
        return leases;
    }

    @Override
    public Optional<String> take(HostSpec host, String owner) {
        String identity = HostIdentity.of(host);
        String path = root + "/" + HostIdentity.name(identity);
        if (held.containsKey(identity)) {
            // One machine under two names in the inventory: the other name holds it.
            return Optional.of("this run, under another name in the inventory");
        }
        long lossesBefore = losses.get();
        try {
            try {
                client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                        .forPath(path, Holder.of(owner).getBytes(StandardCharsets.UTF_8));
            } catch (KeeperException.NodeExistsException e) {
                Stat stat = new Stat();
                byte[] data;
                try {
                    data = client.getData().storingStatIn(stat).forPath(path);
                } catch (KeeperException.NoNodeException gone) {
                    return Optional.of("another run, which has just given it back");
                }
                boolean ours = stat.getEphemeralOwner() == client.getZookeeperClient().getZooKeeper().getSessionId();
                if (!ours || giving.contains(path)) {
                    return Optional.of(ours ? "this JVM, which is giving it back" : new String(data, StandardCharsets.UTF_8));
                }
                // Made by a try of ours whose answer the connection lost: it is ours.
            }
        } catch (Exception e) {
            throw unavailable(identity, e);
        }
        held.put(identity, path);
        lost.remove(identity);
        if (losses.get() != lossesBefore) {
            give(host);
            throw unavailable(identity, new IllegalStateException("the session was lost while the host was leased"));
        }
        return Optional.empty();
    }

    private HostUnavailableException unavailable(String identity, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new HostUnavailableException("Could not lease host [" + identity + "] through ZooKeeper [" + ensemble + "]: " + e
                + ". No test runs on a host it did not lease; check that the ensemble is up and reachable from here.", e);
    }

    @Override
    public Optional<String> give(HostSpec host) {
        String identity = HostIdentity.of(host);
        String path = held.remove(identity);
        Optional<String> why = Optional.ofNullable(lost.remove(identity));
        if (path != null) {
            giving.add(path);
            try {
                // In the background, so that returning hosts never waits for ZooKeeper; guaranteed: retried until done.
                client.delete().guaranteed().inBackground((c, event) -> {
                    int code = event.getResultCode();
                    if (code == KeeperException.Code.OK.intValue() || code == KeeperException.Code.NONODE.intValue()) {
                        giving.remove(path);
                    }
                }).forPath(path);
            } catch (Exception e) {
                // The node goes with the session at the latest.
                LOG.warn("Could not give back host [{}] through ZooKeeper [{}] now: {}; it is free when this run ends.",
                        identity, ensemble, e.toString());
            }
        }
        return why;
    }

    @Override
    public void onLoss(Consumer<String> listener) {
        listeners.add(listener);
    }

    private void changed(ConnectionState state) {
        switch (state) {
            case SUSPENDED -> {
                Duration safe = sessionTimeout.dividedBy(3);
                LOG.warn("The connection to ZooKeeper [{}] is suspended; the hosts leased through it count as lost unless it is"
                        + " back within [{}].", ensemble, HumanDuration.of(safe));
                doubtCheck = doubt.schedule(() -> {
                    if (!client.getZookeeperClient().isConnected()) {
                        lose("the connection to ZooKeeper [" + ensemble + "] was lost at about "
                                + Instant.now().minus(safe).truncatedTo(ChronoUnit.SECONDS) + " and not back within ["
                                + HumanDuration.of(safe) + "] (a third of the session timeout), so the session may have expired");
                    }
                }, safe.toMillis(), TimeUnit.MILLISECONDS);
            }
            case LOST -> lose("the ZooKeeper session with [" + ensemble + "] expired (session timeout ["
                    + HumanDuration.of(sessionTimeout) + "])");
            case RECONNECTED -> {
                ScheduledFuture<?> check = doubtCheck;
                if (check != null) {
                    check.cancel(false);
                }
                LOG.info("The connection to ZooKeeper [{}] is back.", ensemble);
            }
            default -> {
            }
        }
    }

    private void lose(String reason) {
        losses.incrementAndGet();
        if (held.isEmpty()) {
            LOG.warn("{}; no host was leased.", reason.substring(0, 1).toUpperCase() + reason.substring(1));
            return;
        }
        String why = reason + "; other runs may have used the hosts since";
        held.keySet().forEach(identity -> lost.put(identity, why));
        LOG.error("{}: hosts {} may be leased to other runs now. The classes that hold them stop their work on them and fail.",
                reason.substring(0, 1).toUpperCase() + reason.substring(1), held.keySet());
        listeners.forEach(listener -> listener.accept(why));
    }

    @Override
    public String describe() {
        return "ZooKeeper [" + ensemble + "] under [" + root + "], session timeout [" + HumanDuration.of(sessionTimeout) + "]";
    }

    /** Closing the session deletes every node it still holds. */
    @Override
    public void close() {
        doubt.shutdownNow();
        try {
            client.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing the ZooKeeper client of [{}] failed: {}", ensemble, e.toString());
        }
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }
}
