package io.junitmultihost.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real mh-sync script, run by /bin/sh with real curl, meeting Java clients at syncpoints. */
class MhSyncScriptIT {

    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private SyncServer server;
    private SyncScope scope;
    private final List<Process> processes = new ArrayList<>();
    private final List<SyncClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = SyncServer.start();
        scope = server.scope();
        Path script = dir.resolve("mh-sync");
        Files.writeString(script, SyncServer.script());
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void stop() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        clients.forEach(SyncClient::close);
        server.close();
    }

    private SyncClient client(String name) {
        SyncClient c = scope.client(name);
        clients.add(c);
        return c;
    }

    private Map<String, String> env(String as) {
        Map<String, String> env = new HashMap<>(scope.endpoint().environment(as));
        env.put("PATH", dir + ":" + System.getenv("PATH"));
        env.put("MH_SYNC_LOG", dir.resolve(as + ".log").toString());
        return env;
    }

    /** Starts /bin/sh -c script as the participant. */
    private Process shell(String as, String script) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", script);
        pb.environment().putAll(env(as));
        pb.redirectOutput(dir.resolve(as + ".out").toFile());
        pb.redirectError(dir.resolve(as + ".err").toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private Curl.Run finish(String as, Process p) throws Exception {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("The shell of [" + as + "] did not finish within 60 s.");
        }
        return new Curl.Run(p.exitValue(), Files.readString(dir.resolve(as + ".out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve(as + ".err"), StandardCharsets.UTF_8));
    }

    @Test
    void twoShellsAndAJavaClientMeetAtNamedAndNumberedSyncpoints() throws Exception {
        String steps = "set -e; mh-sync sync start --participants %s --timeout 30s; "
                + "mh-sync sync 0 --participants %s --timeout 30s; mh-sync sync 0 --participants %s --timeout 30s; echo done";
        Process a = shell("hosta", String.format(steps, "hostb,java", "hostb,java", "hostb,java"));
        Process b = shell("hostb", String.format(steps, "hosta,java", "hosta,java", "hosta,java"));
        SyncClient java = client("java");
        assertThat(java.sync(SyncRequest.to("start").with("hosta", "hostb").timeout(T)).success()).isTrue();
        assertThat(java.sync(SyncRequest.next().with("hosta", "hostb").timeout(T)).syncpoint()).isEqualTo("1");
        assertThat(java.sync(SyncRequest.next().with("hosta", "hostb").timeout(T)).syncpoint()).isEqualTo("2");
        Curl.Run ra = finish("hosta", a);
        Curl.Run rb = finish("hostb", b);
        assertThat(ra.exit).as("%s", ra).isZero();
        assertThat(rb.exit).as("%s", rb).isZero();
        assertThat(ra.out).isEqualTo("done\n");
    }

    @Test
    void aVoteAndAMessageRoundTripBetweenShellsAndJava() throws Exception {
        Process a = shell("hosta", "mh-sync sync addr --participants hostb,java --message '10.0.0.5:5432' --timeout 30s");
        Process b = shell("hostb", "mh-sync sync addr --participants hosta,java --vote no --timeout 30s");
        SyncResult r = client("java").sync(SyncRequest.to("addr").with("hosta", "hostb").timeout(T));
        assertThat(r.message().orElseThrow().text()).isEqualTo("10.0.0.5:5432");
        assertThat(r.message().orElseThrow().sender()).isEqualTo("hosta");
        assertThat(r.states()).containsEntry("hostb", SyncState.SYNCED_NO).containsEntry("hosta", SyncState.SYNCED_YES);
        assertThat(r.success()).isFalse();
        Curl.Run ra = finish("hosta", a);
        Curl.Run rb = finish("hostb", b);
        assertThat(rb.exit).as("the NO voter succeeds: %s", rb).isZero();
        assertThat(rb.out).isEqualTo("10.0.0.5:5432\n");
        assertThat(ra.exit).as("a YES voter fails on a NO vote: %s", ra).isEqualTo(1);
        assertThat(ra.err).contains("[hostb] voted NO");
    }

    @Test
    void aShellKilledMidSyncMakesTheOthersFailAtOnceNamingIt() throws Exception {
        Process a = shell("hosta", "mh-sync sync work --participants hostb,java --timeout 60s");
        Process b = shell("hostb", "mh-sync sync work --participants hosta,java --timeout 60s");
        SyncClient java = client("java");
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            try {
                if (java.status("work").participantsIn(SyncState.SYNCED_YES).size() == 2) {
                    break;
                }
            } catch (SyncRejectedException notYet) {
                // Nobody there yet.
            }
            Thread.sleep(20);
        }
        long start = System.nanoTime();
        kill(a);
        SyncResult r = java.sync(SyncRequest.to("work").with("hosta", "hostb").timeout(T));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(r.outcome()).isEqualTo(SyncOutcome.FAILED);
        assertThat(r.states()).containsEntry("hosta", SyncState.DEAD);
        assertThat(r.reason()).contains("participant [hosta] is dead");
        Curl.Run rb = finish("hostb", b);
        assertThat(rb.exit).isEqualTo(1);
        assertThat(rb.err).contains("participant [hosta] is dead").contains("DEAD");
    }

    @Test
    void aShellKilledMidSyncIsReplacedByANewShellThatSyncsAtTheNextSyncpoint() throws Exception {
        Process killed = shell("hosta", "mh-sync sync work --participants java,hostb --timeout 60s");
        SyncClient java = client("java");
        CompletableFuture<SyncResult> work = CompletableFuture.supplyAsync(
                () -> java.sync(SyncRequest.to("work").with("hosta", "hostb").timeout(T)));
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (scope.events(0).stream().noneMatch(e -> e.type() == SyncEventType.ARRIVED && e.participant().equals("hosta"))
                && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        kill(killed);
        assertThat(work.get(10, TimeUnit.SECONDS).states()).containsEntry("hosta", SyncState.DEAD);

        Process next = shell("hosta", "mh-sync sync next --participants java --timeout 30s");
        SyncResult r = java.sync(SyncRequest.to("next").with("hosta").timeout(T));

        assertThat(r.success()).as("%s", r.reason()).isTrue();
        Curl.Run rn = finish("hosta", next);
        assertThat(rn.exit).as("%s", rn).isZero();
        assertThat(scope.participant("hosta").orElseThrow().status()).isEqualTo(ParticipantStatus.ALIVE);
    }

    /** Kills the shell and its curl, and waits until they are gone (their sockets closed). */
    private static void kill(Process p) throws Exception {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().collect(java.util.stream.Collectors.toList()));
        all.add(p.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            h.onExit().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aShellWithALeaseThatDiesIsDeclaredDeadWithinTheLease() throws Exception {
        Process a = shell("hosta", "mh-sync join --lease 3s >/dev/null && exec sleep 60");
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (scope.participant("hosta").isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        Thread.sleep(4000);
        assertThat(scope.participant("hosta").orElseThrow().status()).as("heartbeats keep it alive").isEqualTo(ParticipantStatus.ALIVE);
        long start = System.nanoTime();
        a.destroyForcibly();
        end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (scope.participant("hosta").orElseThrow().status() != ParticipantStatus.DEAD && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertThat(scope.participant("hosta").orElseThrow().status()).isEqualTo(ParticipantStatus.DEAD);
        assertThat(scope.participant("hosta").orElseThrow().cause()).contains("lease of [3 s] lapsed");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aTimeoutNamesWhoWasMissing() throws Exception {
        Curl.Run r = finish("hosta", shell("hosta", "mh-sync sync lonely --participants hostb,hostc --timeout 1s"));
        assertThat(r.exit).isEqualTo(1);
        assertThat(r.err).contains("timed out").contains("still missing: [hostb, hostc]").contains("TIMED_OUT=hostb,hostc");
    }

    @Test
    void theLkpFlowRunsFromShellsWithRolesExportedAsEnvironment() throws Exception {
        String flow = "set -e; mh-sync state started --role %s --address %s; mh-sync ready --participants server,client --timeout 30s; "
                + "eval \"$(mh-sync roles-ip)\"; echo \"server=$server client=$client\"; mh-sync finish --timeout 30s";
        Process s = shell("server", String.format(flow, "server", "10.0.0.1"));
        Process c = shell("client", String.format(flow, "client", "10.0.0.2"));
        Curl.Run rs = finish("server", s);
        Curl.Run rc = finish("client", c);
        assertThat(rs.exit).as("%s", rs).isZero();
        assertThat(rc.exit).as("%s", rc).isZero();
        assertThat(rs.out).isEqualTo("ready\nserver=10.0.0.1 client=10.0.0.2\nfinish\n");
    }

    @Test
    void stateWritesTheRoleAndAddressTheEngineGaveAndWaitsNamingNoneWaitForTheEngineDefaultMembers() throws Exception {
        scope.defaultCluster(List.of("server", "client"));
        String flow = "set -e; MH_SYNC_ROLE=%s MH_SYNC_ADDRESS=%s mh-sync state started; mh-sync ready --timeout 30s; "
                + "eval \"$(mh-sync roles-ip)\"; echo \"server=$server client=$client\"; mh-sync finish --timeout 30s";
        Process s = shell("server", String.format(flow, "server", "10.0.0.1"));
        Thread.sleep(300);
        assertThat(s.isAlive()).as("the server waits for the client, a default member").isTrue();
        Process c = shell("client", String.format(flow, "client", "10.0.0.2"));
        Curl.Run rs = finish("server", s);
        Curl.Run rc = finish("client", c);
        assertThat(rs.exit).as("%s", rs).isZero();
        assertThat(rc.exit).as("%s", rc).isZero();
        assertThat(rs.out).isEqualTo("ready\nserver=10.0.0.1 client=10.0.0.2\nfinish\n");
    }

    @Test
    void eachWaitAndItsOutcomeIsALineOfTheHostsLogWithoutTheToken() throws Exception {
        Curl.Run r = finish("hosta", shell("hosta", "mh-sync state started --role server; "
                + "mh-sync sync lonely --participants hostb --timeout 1s; mh-sync ready --participants hosta --timeout 5s"));
        assertThat(r.exit).as("%s", r).isZero();
        List<String> log = Files.readAllLines(dir.resolve("hosta.log"));
        assertThat(log).hasSize(5);
        assertThat(log.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ hosta state started role server");
        assertThat(log.get(1)).endsWith("hosta sync lonely --participants hostb: waiting (timeout 1s)");
        assertThat(log.get(2)).contains("hosta sync lonely: timed-out: ").contains("[hostb]");
        assertThat(log.get(3)).endsWith("hosta ready --participants hosta: waiting (timeout 5s)");
        assertThat(log.get(4)).endsWith("hosta ready: ready");
        assertThat(String.join("\n", log)).doesNotContain(scope.endpoint().token());
    }

    @Test
    void waitReadyInAShellReturnsAbortWhenAJavaPartFails() throws Exception {
        scope.defineCluster(List.of("server", "client"));
        Process s = shell("server", "mh-sync ready --timeout 30s");
        Thread.sleep(300);
        client("client").writeState("failed", null, null);
        Curl.Run r = finish("server", s);
        assertThat(r.exit).isEqualTo(1);
        assertThat(r.out).isEqualTo("abort\n");
        assertThat(r.err).contains("[client] aborted");
    }

    @Test
    void keysAndAbortWorkBetweenShellAndJava() throws Exception {
        Process waiter = shell("hosta", "mh-sync wait-key db/url --timeout 30s && mh-sync set ack yes");
        Thread.sleep(300);
        SyncClient java = client("java");
        java.set("db/url", "postgres://10.0.0.1/app");
        assertThat(java.waitKey("ack", T).text()).isEqualTo("yes");
        Curl.Run r = finish("hosta", waiter);
        assertThat(r.out).isEqualTo("postgres://10.0.0.1/app\n");
        Curl.Run cas = finish("hostb", shell("hostb", "mh-sync cas ack no maybe; echo $?; mh-sync cas ack yes sure; echo $?; mh-sync get ack"));
        assertThat(cas.out).isEqualTo("1\n0\nsure\n");

        CompletableFuture<SyncResult> blocked = CompletableFuture.supplyAsync(
                () -> java.sync(SyncRequest.to("never").with("hostc").timeout(T)));
        Thread.sleep(300);
        Curl.Run abort = finish("hostc", shell("hostc", "mh-sync abort test part on hostc failed"));
        assertThat(abort.exit).as("%s", abort).isZero();
        SyncResult res = blocked.get(5, TimeUnit.SECONDS);
        assertThat(res.outcome()).isEqualTo(SyncOutcome.ABORTED);
        assertThat(res.reason()).contains("aborted by [hostc]: test part on hostc failed");
    }

    @Test
    void wrongSetupsFailWithASentenceAndDistinctExitCodes() throws Exception {
        Map<String, String> noToken = env("hosta");
        noToken.remove(SyncEndpoint.TOKEN_VARIABLE);
        Curl.Run missing = Curl.run(noToken, "/bin/sh", "-c", "mh-sync health");
        assertThat(missing.exit).isEqualTo(2);
        assertThat(missing.err).contains("MH_SYNC_TOKEN is not set");

        Map<String, String> wrong = env("hosta");
        wrong.put(SyncEndpoint.TOKEN_VARIABLE, "not-the-token-at-all");
        Curl.Run refused = Curl.run(wrong, "/bin/sh", "-c", "mh-sync health");
        assertThat(refused.exit).isEqualTo(2);
        assertThat(refused.err).contains("A valid token is required");

        Map<String, String> down = env("hosta");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        down.put(SyncEndpoint.URL_VARIABLE, "http://127.0.0.1:" + port);
        Curl.Run unreachable = Curl.run(down, "/bin/sh", "-c", "mh-sync sync x --participants b --timeout 2s");
        assertThat(unreachable.exit).isEqualTo(3);
        assertThat(unreachable.err).contains("did not answer [POST /v1/sync/");

        Curl.Run dup = Curl.run(env("hosta"), "/bin/sh", "-c", "mh-sync sync x --participants b,b --timeout 2s");
        assertThat(dup.exit).isEqualTo(2);
        assertThat(dup.err).contains("Participant [b] is listed twice");
    }

    @Test
    void everyDurationFlagFollowsTheOneRuleAndABadOneIsRefusedBeforeAnythingIsSent() throws Exception {
        String[][] calls = {
                {"mh-sync sync x --participants b --wait 10", "Duration [10] has no unit"},
                {"mh-sync join --lease 10S", "Duration [10S] is not a duration"},
                {"mh-sync ready --timeout -30s", "Duration [-30s] is negative"},
                {"mh-sync wait-key k --timeout 30", "Duration [30] has no unit"},
                {"mh-sync events --timeout 1.5s", "Duration [1.5s] is not a duration"}};
        for (String[] call : calls) {
            Curl.Run run = Curl.run(env("hosta"), "/bin/sh", "-c", call[0]);
            assertThat(run.exit).as("%s: %s", call[0], run).isEqualTo(2);
            assertThat(run.err).as(call[0]).contains(call[1] + "; write it as 500ms, 30s, 2m or 1h");
        }
        assertThat(client("probe").participant("hosta")).as("nothing reached the server").isEmpty();

        Curl.Run iso = Curl.run(env("hosta"), "/bin/sh", "-c", "mh-sync events --timeout PT0.1S");
        assertThat(iso.exit).as("%s", iso).isZero();
    }

    private Curl.Run mhSync(String as, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(dir.resolve("mh-sync").toString()));
        argv.addAll(List.of(args));
        return Curl.run(env(as), argv.toArray(new String[0]));
    }

    @Test
    void valuesAndMessagesStartingWithAtAreSentAsTheyAreNeverAsLocalFiles() throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "TOP SECRET");
        String at = "@" + secret;
        for (String value : new String[] {at, "@/etc/passwd", "@-", "<" + secret, "line1\nline2\n"}) {
            Curl.Run set = mhSync("hosta", "set", "k", value);
            assertThat(set.exit).as("%s", set).isZero();
            assertThat(client("java").get("k").orElseThrow().text()).as(value).isEqualTo(value);
        }
        Curl.Run cas = mhSync("hosta", "cas", "k", "line1\nline2\n", at);
        assertThat(cas.exit).as("%s", cas).isZero();
        assertThat(client("java").get("k").orElseThrow().text()).isEqualTo(at);
        Curl.Run absent = mhSync("hosta", "cas", "fresh", "--absent", at);
        assertThat(absent.exit).as("%s", absent).isZero();
        assertThat(client("java").get("fresh").orElseThrow().text()).isEqualTo(at);

        CompletableFuture<SyncResult> java = CompletableFuture.supplyAsync(
                () -> client("java").sync(SyncRequest.to("msg").with("hosta").timeout(T)));
        Curl.Run sync = mhSync("hosta", "sync", "msg", "--participants", "java", "--message", at, "--timeout", "30s");
        assertThat(sync.exit).as("%s", sync).isZero();
        assertThat(java.get(30, TimeUnit.SECONDS).message().orElseThrow().text()).isEqualTo(at);
        assertThat(Files.list(Path.of(System.getProperty("java.io.tmpdir"))).map(Path::getFileName).map(Path::toString))
                .as("no body file is left behind").noneMatch(n -> n.startsWith("mh-sync."));
    }

    @Test
    void aMessageFileIsSentAsItIsAndAMissingOneIsABadUsage() throws Exception {
        Path file = dir.resolve("message");
        Files.writeString(file, "@" + dir.resolve("secret") + "\n");
        CompletableFuture<SyncResult> java = CompletableFuture.supplyAsync(
                () -> client("java").sync(SyncRequest.to("msg").with("hosta").timeout(T)));
        Curl.Run sync = mhSync("hosta", "sync", "msg", "--participants", "java", "--message-file", file.toString(), "--timeout", "30s");
        assertThat(sync.exit).as("%s", sync).isZero();
        assertThat(java.get(30, TimeUnit.SECONDS).message().orElseThrow().text()).isEqualTo("@" + dir.resolve("secret") + "\n");
        Curl.Run missing = mhSync("hosta", "sync", "m2", "--participants", "java", "--message-file", dir.resolve("none").toString(),
                "--timeout", "1s");
        assertThat(missing.exit).as("%s", missing).isEqualTo(2);
        assertThat(missing.err).contains("Cannot read the message file [" + dir.resolve("none") + "]");
    }

    @Test
    void keysAreEncodedSoNoKeyCanChangeTheRequest() throws Exception {
        for (String key : new String[] {"a/b", "db:url@x+y", "x/../../health"}) {
            Curl.Run set = mhSync("hosta", "set", key, "v-" + key);
            assertThat(set.exit).as("%s: %s", key, set).isZero();
            assertThat(client("java").get(key).orElseThrow().text()).isEqualTo("v-" + key);
            Curl.Run get = mhSync("hosta", "get", key);
            assertThat(get.out).as(key).isEqualTo("v-" + key + "\n");
            Curl.Run wait = mhSync("hosta", "wait-key", key, "--timeout", "5s");
            assertThat(wait.out).as(key).isEqualTo("v-" + key + "\n");
        }
        for (String key : new String[] {"a b", "a&b", "a?b", "a?as=controller", "a#b", "k?wait=1s", "\u043a\u043b\u044e\u0447"}) {
            for (String[] call : new String[][] {{"set", key, "v"}, {"get", key}, {"cas", key, "--absent", "v"},
                    {"wait-key", key, "--timeout", "1s"}}) {
                Curl.Run run = mhSync("hosta", call);
                assertThat(run.exit).as("%s %s: %s", call[0], key, run).isEqualTo(2);
                assertThat(run.err).as("%s %s", call[0], key).contains("Key [" + key + "] is not valid");
            }
        }
        assertThat(client("java").get("a")).as("no key was cut at a reserved character").isEmpty();
        assertThat(client("java").get("k")).isEmpty();
    }
}
