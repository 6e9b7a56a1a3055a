package io.junitmultihost.benchmarks;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import io.junitmultihost.sync.SyncClient;
import io.junitmultihost.sync.SyncRejectedException;
import io.junitmultihost.sync.SyncRequest;
import io.junitmultihost.sync.SyncResult;
import io.junitmultihost.sync.SyncServer;
import io.junitmultihost.sync.SyncState;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.barriers.DistributedDoubleBarrier;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;

import redis.clients.jedis.Jedis;

/**
 * {@code benchmarks/run sync}: a 2-party syncpoint round trip (median, p99) and the time from
 * the last arrival to the release of all in a 1000-party barrier, on our server, on Curator's
 * DistributedDoubleBarrier over an in-process ZooKeeper, and (2-party) on a Redis-polling
 * barrier in the lkp style against a redis-server started here. ZooKeeper runs as a user tuning
 * it for speed would: {@code zookeeper.forceSync=no} and its data directory on tmpfs
 * ({@code /dev/shm}) when there is one, both stated in the JSON. The 2-party round trips of all
 * three take turns in blocks, with the same rounds and warm-up each; the 1000-party releases of
 * ours and Curator run in turn, round by round, with the machine's floor for the same release
 * ({@link LoopbackFloor}) between them. Progress goes to stderr; the last line of stdout is one
 * JSON object.
 *
 * <p>Arguments (all optional): {@code rounds2=5000 warmup2=2500 blocks2=5 rounds1000=21
 * curatorRounds1000=21 warmup1000=30 curatorSessions=parties wakeRounds=300 redisPollMs=1 parties=1000 oursOnly=0}; oursOnly=1 skips the peers
 * (a quick look while tuning; its JSON lacks the peers' keys).
 */
public final class SyncBenchmark {

    private static final Duration T = Duration.ofSeconds(120);

    private final int rounds2;
    private final int warmup2;
    private final int blocks2;
    private final int rounds1000;
    private final int curatorRounds1000;
    private final int redisPollMs;
    private final int parties;
    private final boolean oursOnly;
    private final int curatorSessions;
    private final int wakeRounds;
    private final int warmup1000;

    private SyncBenchmark(String[] args) {
        // The same 2-party rounds and warm-up for every side, run in turn in blocks of rounds2 / blocks2.
        rounds2 = arg(args, "rounds2", 5000);
        warmup2 = arg(args, "warmup2", 2500);
        blocks2 = arg(args, "blocks2", 5);
        rounds1000 = arg(args, "rounds1000", 21);
        curatorRounds1000 = arg(args, "curatorRounds1000", 21);
        redisPollMs = arg(args, "redisPollMs", 1);
        parties = arg(args, "parties", 1000);
        oursOnly = arg(args, "oursOnly", 0) == 1;
        curatorSessions = arg(args, "curatorSessions", parties);
        wakeRounds = arg(args, "wakeRounds", 300);
        // Every 1000-party measure (ours and Curator's) drops its first rounds: the JIT is still compiling then.
        warmup1000 = arg(args, "warmup1000", 30);
    }

    private static int arg(String[] args, String name, int dflt) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1));
            }
        }
        return dflt;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("zookeeper.admin.enableServer", "false");
        // ZooKeeper as a user tuning it for speed runs it: no fsync per transaction (set before ZooKeeper loads).
        System.setProperty("zookeeper.forceSync", "no");
        try {
            new SyncBenchmark(args).run();
        } finally {
            ZkTuning.cleanUp();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        TwoParty two = twoPartyInTurn();
        double[] ours2 = two.ours;
        // The headline release is our async client's: a connection per party, no thread per party.
        // Curator's recipe blocks, so its parties are threads; ours with a thread each is reported beside it.
        double[] inTurn = releasesInTurn();
        double ours1000 = inTurn[0];
        double ours1000Threads = oursRelease();
        if (oursOnly) {
            System.out.printf(Locale.ROOT, "{\"bench\":\"sync\",\"p50_2party_ms\":%.4f,\"release_1000_ms\":%.3f,"
                    + "\"release_1000_threads_ms\":%.3f,\"floor_release_1000_ms\":%.3f}%n", ours2[0], ours1000, ours1000Threads, inTurn[3]);
            return;
        }
        double[] curator2 = two.curator;
        double curator1000 = inTurn[1];
        double[] redis2 = two.redis;

        double ratio2 = curator2[0] / ours2[0];
        double ratio1000 = curator1000 / ours1000;
        String json = String.format(Locale.ROOT, "{\"bench\":\"sync\",\"p50_2party_ms\":%.4f,\"p99_2party_ms\":%.4f,"
                        + "\"release_1000_ms\":%.3f,\"release_1000_threads_ms\":%.3f,\"curator_p50_2party_ms\":%.4f,\"curator_p99_2party_ms\":%.4f,"
                        + "\"curator_release_1000_ms\":%.3f,\"redis_p50_2party_ms\":%.4f,\"redis_p99_2party_ms\":%.4f,"
                        + "\"redis_poll_interval_ms\":%d,\"ratio_vs_curator\":%.1f,\"ratio_vs_curator_2party\":%.1f,"
                        + "\"ratio_vs_curator_release\":%.1f,\"ratio_vs_curator_release_paired\":%.1f,"
                        + "\"floor_release_1000_ms\":%.3f,\"floor_ratio_vs_curator_release\":%.1f,\"ratio_vs_curator_release_threads\":%.1f,\"ratio_vs_redis_2party\":%.1f,\"parties\":%d,\"cores\":%d,"
                        + "\"wake_p50_ms\":%.4f,\"curator_wake_p50_ms\":%.4f,\"redis_wake_p50_ms\":%.4f,"
                        + "\"rounds_2party\":%d,\"warmup_2party\":%d,\"blocks_2party\":%d,\"rounds_1000\":%d,\"curator_rounds_1000\":%d,"
                        + "\"warmup_1000\":%d,\"wake_rounds\":%d,\"zookeeper_force_sync\":\"%s\",\"zookeeper_data_dir\":\"%s\",\"load_avg_1m\":%s}",
                ours2[0], ours2[1], ours1000, ours1000Threads, curator2[0], curator2[1], curator1000, redis2[0], redis2[1],
                redisPollMs, Math.min(ratio2, ratio1000), ratio2, ratio1000, inTurn[2], inTurn[3], curator1000 / inTurn[3], curator1000 / ours1000Threads,
                redis2[0] / ours2[0], parties,
                Runtime.getRuntime().availableProcessors(), ours2[2], curator2[2], redis2[2],
                rounds2, warmup2, blocks2, rounds1000, curatorRounds1000, warmup1000, wakeRounds,
                ZkTuning.forceSync() ? "yes" : "no", ZkTuning.dataDirKind(), loadAverage());
        System.out.println(json);
    }

    /** Each side's {p50, p99, wake p50, wake p99} in ms; the peers' are null with oursOnly. */
    private record TwoParty(double[] ours, double[] curator, double[] redis) {
    }

    /** A 2-party barrier side: its two parties' arrivals for round i. */
    private record Side(String who, IntConsumer a, IntConsumer b) {
    }

    /**
     * The 2-party round trips of ours, Curator's and Redis's, in turn: every side warms up with
     * warmup2 rounds, then each runs blocks2 blocks of rounds2 / blocks2 rounds, one side's block
     * after the other's, so that the machine's load over time hits all of them alike. Then each
     * side's wake-up latency, one side after the other.
     */
    private TwoParty twoPartyInTurn() throws Exception {
        try (SyncServer server = SyncServer.start();
             SyncClient oa = server.scope().client("a");
             SyncClient ob = server.scope().client("b");
             TestingServer zk = oursOnly ? null : new TestingServer(ZkTuning.spec(), true);
             CuratorFramework ca = oursOnly ? null : curator(zk);
             CuratorFramework cb = oursOnly ? null : curator(zk);
             Redis redis = oursOnly ? null : Redis.start()) {
            List<Side> sides = new ArrayList<>();
            sides.add(new Side("ours", i -> oa.sync(SyncRequest.next().with("b").timeout(T)).orThrow(),
                    i -> ob.sync(SyncRequest.next().with("a").timeout(T)).orThrow()));
            if (!oursOnly) {
                sides.add(new Side("curator", i -> enter(new DistributedDoubleBarrier(ca, "/two/" + i, 2)),
                        i -> enter(new DistributedDoubleBarrier(cb, "/two/" + i, 2))));
                sides.add(new Side("redis", i -> redisBarrier(redis.a, "barrier:" + i, "a"),
                        i -> redisBarrier(redis.b, "barrier:" + i, "b")));
            }
            int[] next = new int[sides.size()];
            List<List<Double>> samples = new ArrayList<>();
            for (int s = 0; s < sides.size(); s++) {
                Side side = sides.get(s);
                next[s] = roundTrips(side, warmup2, next[s]).length + 1;
                samples.add(new ArrayList<>());
                System.err.printf(Locale.ROOT, "%s: %d 2-party warm-up rounds done%n", side.who(), warmup2);
            }
            int perBlock = Math.max(1, rounds2 / blocks2);
            for (int block = 0; block < blocks2; block++) {
                for (int s = 0; s < sides.size(); s++) {
                    double[] ms = roundTrips(sides.get(s), perBlock, next[s]);
                    next[s] += perBlock + 1;
                    for (double m : ms) {
                        samples.get(s).add(m);
                    }
                    System.err.printf(Locale.ROOT, "%s: 2-party block %d of %d, p50 %.4f ms%n", sides.get(s).who(), block + 1,
                            blocks2, percentile(ms, 0.5));
                }
            }
            double[][] results = new double[sides.size()][];
            for (int s = 0; s < sides.size(); s++) {
                Side side = sides.get(s);
                double[] ms = samples.get(s).stream().mapToDouble(Double::doubleValue).toArray();
                double p50 = percentile(ms, 0.5);
                double p99 = percentile(ms, 0.99);
                System.err.printf(Locale.ROOT, "%s: 2-party round trip p50 %.4f ms, p99 %.4f ms over %d rounds%n", side.who(), p50, p99,
                        ms.length);
                results[s] = new double[] {p50, p99, 0, 0};
            }
            double[] w = wake("ours", wakeRounds,
                    i -> oa.sync(SyncRequest.to("wake-" + i).with("b").timeout(T)).orThrow(),
                    i -> ob.sync(SyncRequest.to("wake-" + i).with("a").timeout(T)).orThrow());
            results[0][2] = w[0];
            results[0][3] = w[1];
            if (oursOnly) {
                return new TwoParty(results[0], null, null);
            }
            w = wake("curator", wakeRounds,
                    i -> enter(new DistributedDoubleBarrier(ca, "/wake/" + i, 2)),
                    i -> enter(new DistributedDoubleBarrier(cb, "/wake/" + i, 2)));
            results[1][2] = w[0];
            results[1][3] = w[1];
            w = wake("redis", wakeRounds,
                    i -> redisBarrier(redis.a, "wake:" + i, "a"),
                    i -> redisBarrier(redis.b, "wake:" + i, "b"));
            results[2][2] = w[0];
            results[2][3] = w[1];
            return new TwoParty(results[0], results[1], results[2]);
        }
    }

    private static double percentile(double[] values, double p) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[(int) Math.min(v.length - 1, Math.max(0, Math.ceil(v.length * p) - 1))];
    }

    // ---- ours ----------------------------------------------------------------------------

    /**
     * The 1000-party release, ours (async client) and Curator's in turn, round by round, so that
     * both see the same machine: this VM's CPU steal comes and goes over seconds, and measuring
     * one side after the other let it favour either. Returns {ours median, Curator median,
     * median of the per-round ratios, median of the {@link LoopbackFloor}}; with oursOnly,
     * Curator is left out.
     */
    private double[] releasesInTurn() throws Exception {
        int oursTotal = warmup1000 + rounds1000;
        int curatorTotal = oursOnly ? 0 : warmup1000 + curatorRounds1000;
        double[] ours = new double[oursTotal];
        double[] curator = new double[curatorTotal];
        double[] floor = new double[oursTotal];
        try (OursAsyncRelease o = new OursAsyncRelease(); LoopbackFloor f = new LoopbackFloor(parties - 1);
             CuratorRelease c = oursOnly ? null : new CuratorRelease()) {
            for (int round = 0; round < Math.max(oursTotal, curatorTotal); round++) {
                String note = round < warmup1000 ? " (warm-up, not counted)" : "";
                if (round < oursTotal) {
                    ours[round] = o.round(round);
                    System.err.printf(Locale.ROOT, "ours (async client): %d-party release %.2f ms%s%n", parties, ours[round], note);
                    floor[round] = f.round();
                    System.err.printf(Locale.ROOT, "floor (bare loopback writes and reads): %d answers %.2f ms%s%n", parties - 1,
                            floor[round], note);
                }
                if (round < curatorTotal) {
                    curator[round] = c.round(round);
                    System.err.printf(Locale.ROOT, "curator: %d-party release %.2f ms%s%n", parties, curator[round], note);
                }
            }
        }
        double oursMedian = median(Arrays.copyOfRange(ours, warmup1000, oursTotal));
        double floorMedian = median(Arrays.copyOfRange(floor, warmup1000, oursTotal));
        if (oursOnly) {
            return new double[] {oursMedian, Double.NaN, Double.NaN, floorMedian};
        }
        int paired = Math.min(rounds1000, curatorRounds1000);
        double[] ratios = new double[paired];
        for (int i = 0; i < paired; i++) {
            ratios[i] = curator[warmup1000 + i] / ours[warmup1000 + i];
        }
        return new double[] {oursMedian, median(Arrays.copyOfRange(curator, warmup1000, curatorTotal)), median(ratios), floorMedian};
    }

    /**
     * Our side of the release with one shared client I/O thread ({@link SyncClient#syncAsync}):
     * a connection and a request per party, which is how one JVM acts as many parties.
     */
    private final class OursAsyncRelease implements AutoCloseable {
        private final List<String> names = partyNames();
        private final SyncServer server = SyncServer.start();
        private final SyncClient probe = server.scope().client("probe");
        private final List<SyncClient> clients = clients(server, names);

        double round(int round) throws Exception {
            String point = "barrier-" + round;
            SyncRequest request = SyncRequest.to(point).with(names).timeout(T);
            long[] returned = new long[parties];
            CountDownLatch done = new CountDownLatch(parties);
            List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < parties - 1; i++) {
                int id = i;
                clients.get(i).syncAsync(request).whenComplete((r, e) -> {
                    returned[id] = System.nanoTime();
                    if (e != null || !r.success()) {
                        failures.add(e != null ? e.toString() : r.reason());
                    }
                    done.countDown();
                });
            }
            long end = System.nanoTime() + T.toNanos();
            while (arrivals(probe, point) < parties - 1 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            Thread.sleep(200);
            long t0 = System.nanoTime();
            clients.get(parties - 1).syncAsync(request).whenComplete((r, e) -> {
                returned[parties - 1] = System.nanoTime();
                done.countDown();
            });
            if (!done.await(T.toMillis(), TimeUnit.MILLISECONDS) || !failures.isEmpty()) {
                throw new IllegalStateException("The " + parties + "-party barrier failed: " + failures);
            }
            return (Arrays.stream(returned).max().orElseThrow() - t0) / 1e6;
        }

        @Override
        public void close() {
            clients.forEach(SyncClient::close);
            probe.close();
            server.close();
        }
    }

    private List<String> partyNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < parties; i++) {
            names.add("p" + i);
        }
        return names;
    }

    private static List<SyncClient> clients(SyncServer server, List<String> names) {
        List<SyncClient> clients = new ArrayList<>();
        for (String n : names) {
            clients.add(server.scope().client(n));
        }
        return clients;
    }

    private static int arrivals(SyncClient probe, String point) {
        try {
            return probe.status(point).participantsIn(SyncState.SYNCED_YES).size();
        } catch (SyncRejectedException notYetOpen) {
            return 0;
        }
    }

    /** The 1000-party release with a blocking client per party, each on its own thread. */
    private double oursRelease() throws Exception {
        List<String> names = partyNames();
        try (PartyThreads threads = new PartyThreads(parties - 1);
             SyncServer server = SyncServer.start(); SyncClient probe = server.scope().client("probe")) {
            List<SyncClient> clients = clients(server, names);
            double[] releases = new double[warmup1000 + rounds1000];
            for (int round = 0; round < releases.length; round++) {
                String point = "barrier-" + round;
                SyncRequest request = SyncRequest.to(point).with(names).timeout(T);
                releases[round] = release(parties, threads,
                        i -> {
                            SyncResult r = clients.get(i).sync(request);
                            if (!r.success()) {
                                throw new IllegalStateException(r.reason());
                            }
                        },
                        () -> arrivals(probe, point));
                System.err.printf(Locale.ROOT, "ours (thread per party): %d-party release %.2f ms%s%n", parties, releases[round],
                        round < warmup1000 ? " (warm-up, not counted)" : "");
            }
            clients.forEach(SyncClient::close);
            return median(Arrays.copyOfRange(releases, warmup1000, releases.length));
        }
    }

    // ---- Curator on ZooKeeper --------------------------------------------------------------

    /** Curator's side: one ZooKeeper session per party, as a thousand hosts would have; members wait in enter() on a thread each. */
    private final class CuratorRelease implements AutoCloseable {
        private final PartyThreads threads = new PartyThreads(parties - 1);
        private final TestingServer zk;
        private final List<CuratorFramework> clients = new ArrayList<>();
        private final CuratorFramework probe;

        CuratorRelease() throws Exception {
            // maxClientCnxns 0: no per-address connection cap, since every session comes from this one address.
            zk = new TestingServer(ZkTuning.spec(), true);
            for (int i = 0; i < curatorSessions; i++) {
                clients.add(curator(zk));
            }
            for (CuratorFramework c : clients) {
                if (!c.blockUntilConnected(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("A Curator session did not connect within 60 s.");
                }
            }
            System.err.printf(Locale.ROOT, "curator: %d sessions connected%n", curatorSessions);
            probe = curator(zk);
        }

        double round(int round) throws Exception {
            String path = "/many/" + round;
            List<DistributedDoubleBarrier> members = new ArrayList<>();
            for (int i = 0; i < parties; i++) {
                members.add(new DistributedDoubleBarrier(clients.get(i % clients.size()), path, parties));
            }
            return release(parties, threads, i -> enter(members.get(i)), () -> {
                try {
                    return probe.checkExists().forPath(path) == null ? 0 : probe.getChildren().forPath(path).size();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        @Override
        public void close() throws IOException {
            probe.close();
            clients.forEach(CuratorFramework::close);
            threads.close();
            zk.close();
        }
    }

    private static CuratorFramework curator(TestingServer zk) {
        CuratorFramework c = CuratorFrameworkFactory.builder().connectString(zk.getConnectString())
                .sessionTimeoutMs(60_000).connectionTimeoutMs(15_000).retryPolicy(new RetryOneTime(100)).build();
        c.start();
        return c;
    }

    private static void enter(DistributedDoubleBarrier barrier) {
        try {
            if (!barrier.enter(T.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("The Curator barrier was not entered within " + T + ".");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- Redis polling, lkp style ------------------------------------------------------------

    /**
     * lkp's scheduler keeps the cluster state in Redis and polls it until every node reports the
     * state (sleeping 10 s between polls); here each party adds itself to a set and polls its
     * size every {@code redisPollMs}.
     */
    private static final class Redis implements AutoCloseable {
        private final Process process;
        private final Jedis a;
        private final Jedis b;

        private Redis(Process process, int port) {
            this.process = process;
            this.a = new Jedis("127.0.0.1", port);
            this.b = new Jedis("127.0.0.1", port);
        }

        static Redis start() throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            File dir = java.nio.file.Files.createTempDirectory("mh-sync-bench-redis").toFile();
            Process redis = new ProcessBuilder(redisServer(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.getAbsolutePath())
                    .redirectErrorStream(true).redirectOutput(new File(dir, "redis.log")).start();
            try {
                awaitRedis(port);
                return new Redis(redis, port);
            } catch (Exception e) {
                redis.destroy();
                throw e;
            }
        }

        @Override
        public void close() throws InterruptedException {
            a.close();
            b.close();
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void redisBarrier(Jedis jedis, String key, String me) {
        jedis.sadd(key, me);
        long end = System.nanoTime() + T.toNanos();
        while (jedis.scard(key) < 2) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("The Redis barrier [" + key + "] was not reached within " + T + ".");
            }
            try {
                Thread.sleep(redisPollMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static String redisServer() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File f = new File(dir, "redis-server");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        throw new IllegalStateException("redis-server is not installed; install it (apt-get install redis-server) "
                + "so that the sync benchmark can run its Redis peer.");
    }

    private static void awaitRedis(int port) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                if ("PONG".equals(j.ping())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server on port [" + port + "] did not answer PING within 20 s.");
    }

    // ---- shapes ------------------------------------------------------------------------------

    /**
     * Two parties meet round after round, numbered from {@code first}. A round's time is from the
     * moment both had left the previous barrier to the moment both left this one (the slower
     * party's view), so polling peers are not flattered by measuring the party that arrives
     * second. Runs {@code rounds + 1} barriers (the first is the start line); returns each
     * round's time in ms.
     */
    private static double[] roundTrips(Side side, int rounds, int first) throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        int total = rounds + 1;
        long[] doneA = new long[total];
        long[] doneB = new long[total];
        try {
            Future<?> fb = other.submit(() -> {
                for (int i = 0; i < total; i++) {
                    side.b().accept(first + i);
                    doneB[i] = System.nanoTime();
                }
            });
            for (int i = 0; i < total; i++) {
                side.a().accept(first + i);
                doneA[i] = System.nanoTime();
            }
            fb.get(5, TimeUnit.MINUTES);
            double[] ms = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                ms[i] = (Math.max(doneA[i + 1], doneB[i + 1]) - Math.max(doneA[i], doneB[i])) / 1e6;
            }
            return ms;
        } finally {
            other.shutdownNow();
        }
    }

    /**
     * The wake-up latency a waiting party sees: A arrives first and waits; B arrives 2 ms later;
     * the time from B's arrival to A's release. This is where polling pays its interval. Returns
     * {p50, p99} in ms.
     */
    private static double[] wake(String who, int rounds, IntConsumer a, IntConsumer b) throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        java.util.concurrent.CyclicBarrier lockstep = new java.util.concurrent.CyclicBarrier(2);
        long[] doneA = new long[rounds];
        long[] startB = new long[rounds];
        try {
            Future<?> fb = other.submit(() -> {
                for (int i = 0; i < rounds; i++) {
                    lockstep.await();
                    Thread.sleep(2);
                    startB[i] = System.nanoTime();
                    b.accept(i);
                }
                return null;
            });
            for (int i = 0; i < rounds; i++) {
                lockstep.await();
                a.accept(i);
                doneA[i] = System.nanoTime();
            }
            fb.get(5, TimeUnit.MINUTES);
            double[] ms = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                ms[i] = Math.max(0, doneA[i] - startB[i]) / 1e6;
            }
            Arrays.sort(ms);
            double p50 = ms[ms.length / 2];
            double p99 = ms[(int) Math.min(ms.length - 1, Math.ceil(ms.length * 0.99) - 1)];
            System.err.printf(Locale.ROOT, "%s: wake-up of a waiting party p50 %.4f ms, p99 %.4f ms over %d rounds%n", who, p50, p99, rounds);
            return new double[] {p50, p99};
        } finally {
            other.shutdownNow();
        }
    }

    /**
     * All but the last party arrive and wait, each on its own thread; once the server shows them
     * all waiting, the last one arrives at t0. Returns the time from t0 until the last party
     * returned, in ms. Ours and Curator go through this same harness.
     */
    private static double release(int parties, PartyThreads threads, IntConsumer arrive,
                                  java.util.function.IntSupplier arrived) throws Exception {
        long[] returned = new long[parties];
        CountDownLatch done = new CountDownLatch(parties);
        threads.run(arrive, returned, done);
        long end = System.nanoTime() + T.toNanos();
        while (arrived.getAsInt() < parties - 1) {
            threads.rethrow();
            if (System.nanoTime() > end) {
                throw new IllegalStateException("Only " + arrived.getAsInt() + " of " + (parties - 1) + " parties arrived within " + T + ".");
            }
            Thread.sleep(20);
        }
        Thread.sleep(200);
        long t0 = System.nanoTime();
        arrive.accept(parties - 1);
        returned[parties - 1] = System.nanoTime();
        done.countDown();
        if (!done.await(T.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Not every party was released within " + T + ".");
        }
        threads.rethrow();
        long last = Arrays.stream(returned).max().orElseThrow();
        return (last - t0) / 1e6;
    }

    /**
     * A thread per waiting party, kept across rounds and parked between them. A released party
     * records its time, counts down and parks again; it does not hand itself back through an
     * executor's shared queue lock, which with a thousand threads released at once turns into a
     * convoy that delays the parties not yet run (for either barrier).
     */
    private static final class PartyThreads implements AutoCloseable {
        private final Thread[] threads;
        private final java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        private IntConsumer arrive;
        private long[] returned;
        private CountDownLatch done;
        private volatile int round = -1;
        private volatile boolean closed;

        PartyThreads(int count) {
            threads = new Thread[count];
            for (int i = 0; i < count; i++) {
                int id = i;
                threads[i] = new Thread(() -> loop(id), "party-" + i);
                threads[i].setDaemon(true);
                threads[i].start();
            }
        }

        private void loop(int id) {
            int seen = -1;
            while (!closed) {
                int r = round;
                if (r == seen) {
                    java.util.concurrent.locks.LockSupport.park(this);
                    continue;
                }
                seen = r;
                try {
                    arrive.accept(id);
                    returned[id] = System.nanoTime();
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        }

        /** Starts one round: every thread runs arrive with its index once. */
        void run(IntConsumer arrive, long[] returned, CountDownLatch done) {
            this.arrive = arrive;
            this.returned = returned;
            this.done = done;
            round = round + 1; // The volatile write publishes the three fields above.
            for (Thread t : threads) {
                java.util.concurrent.locks.LockSupport.unpark(t);
            }
        }

        void rethrow() {
            Throwable t = failure.get();
            if (t != null) {
                throw new IllegalStateException("A party failed: " + t, t);
            }
        }

        @Override
        public void close() {
            closed = true;
            for (Thread t : threads) {
                java.util.concurrent.locks.LockSupport.unpark(t);
            }
        }
    }

    /** The machine's 1-minute load average, so a reader can tell a quiet run from a noisy one. */
    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "null";
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
