package io.junitmultihost.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous client keeps answered connections for the next call, and a kept connection
 * the server has closed never fails a call: it is dropped, or the call is made again on a new one.
 * A scripted HTTP server stands in for the sync server, so each case happens every time.
 */
class AsyncConnectionReuseTest {

    private static final Duration T = Duration.ofSeconds(10);
    private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);

    /** What the scripted server does with the n-th request (from 0) on the c-th connection (from 0). */
    enum Act { ANSWER, ANSWER_AND_CLOSE, CLOSE_UNANSWERED }

    interface Script {
        Act on(int connection, int request);
    }

    private ScriptedServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void callsOneAfterAnotherShareOneConnection() throws Exception {
        server = new ScriptedServer((c, n) -> Act.ANSWER);
        for (int i = 0; i < 5; i++) {
            assertThat(call("call " + i).body).isEqualTo("ok".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(server.accepted.get()).isEqualTo(1);
        assertThat(server.requests).hasSize(5);
    }

    @Test
    void aKeptConnectionClosedUnreadIsReplacedAndTheCallMadeAgain() throws Exception {
        // The server takes the second request on the first connection and closes it unanswered,
        // as one does whose idle timeout ends just when a request arrives.
        server = new ScriptedServer((c, n) -> c == 0 && n == 1 ? Act.CLOSE_UNANSWERED : Act.ANSWER);
        call("first");
        assertThat(call("second").status).isEqualTo(200);
        assertThat(server.accepted.get()).isEqualTo(2);
        assertThat(server.requests).containsExactly("0:first", "0:second", "1:second");
    }

    @Test
    void anIdleConnectionTheServerClosesIsNotUsedAgain() throws Exception {
        server = new ScriptedServer((c, n) -> Act.ANSWER_AND_CLOSE);
        call("first");
        Thread.sleep(300); // the client's I/O thread sees the end of stream meanwhile
        assertThat(call("second").status).isEqualTo(200);
        assertThat(server.requests).containsExactly("0:first", "1:second");
    }

    @Test
    void roundsOfCallsInFlightTogetherOpenNoMoreConnectionsThanOneRoundNeeds() throws Exception {
        server = new ScriptedServer((c, n) -> Act.ANSWER);
        List<CompletableFuture<ClientResponse>> calls = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            calls.clear();
            for (int i = 0; i < 20; i++) {
                calls.add(AsyncIo.get().call("127.0.0.1", server.port(), request("r" + round + "-" + i), T, "test"));
            }
            for (var f : calls) {
                assertThat(f.get(T.toSeconds(), TimeUnit.SECONDS).status).isEqualTo(200);
            }
        }
        // Never more connections than calls in flight at once (fewer when an early call is answered
        // before the last one of its round is made): the later rounds open none of their own.
        assertThat(server.accepted.get()).isBetween(1, 20);
        assertThat(server.requests).hasSize(60);
    }

    @Test
    void aSecondBarrierOnTheRealServerRidesOnTheFirstOnesConnections() throws Exception {
        try (SyncServer real = SyncServer.start()) {
            List<String> names = new ArrayList<>();
            List<SyncClient> clients = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                names.add("p" + i);
                clients.add(real.scope().client("p" + i));
            }
            for (String point : List.of("first", "second")) {
                List<CompletableFuture<SyncResult>> all = new ArrayList<>();
                for (SyncClient c : clients) {
                    all.add(c.syncAsync(SyncRequest.to(point).with(names).timeout(T)));
                }
                for (var f : all) {
                    assertThat(f.get(T.toSeconds(), TimeUnit.SECONDS).success()).isTrue();
                }
            }
            // The second barrier found the first one's 50 connections idle and opened none.
            assertThat(real.scope().connections()).isEqualTo(50);
        }
    }

    private ClientResponse call(String name) throws Exception {
        return AsyncIo.get().call("127.0.0.1", server.port(), request(name), T, name).get(T.toSeconds(), TimeUnit.SECONDS);
    }

    private static byte[] request(String name) {
        return ("POST /" + name + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Accepts connections and acts on each request as the script says; records "connection:name" per request. */
    static final class ScriptedServer implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger accepted = new AtomicInteger();
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final Script script;
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        ScriptedServer(Script script) throws IOException {
            this.script = script;
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "scripted-http");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            try {
                while (true) {
                    Socket s = socket.accept();
                    open.add(s);
                    int c = accepted.getAndIncrement();
                    Thread t = new Thread(() -> serve(s, c), "scripted-http-" + c);
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException closed) {
                // The test is over.
            }
        }

        private void serve(Socket s, int c) {
            try (s) {
                s.setSoTimeout(20_000);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                for (int n = 0; ; n++) {
                    String head = RawHttp.readHead(in);
                    if (!head.endsWith("\r\n\r\n")) {
                        return;
                    }
                    requests.add(c + ":" + head.substring(head.indexOf('/') + 1, head.indexOf(' ', head.indexOf('/'))));
                    Act act = script.on(c, n);
                    if (act == Act.CLOSE_UNANSWERED) {
                        return;
                    }
                    out.write(OK);
                    out.flush();
                    if (act == Act.ANSWER_AND_CLOSE) {
                        return;
                    }
                }
            } catch (IOException e) {
                // The client went away; nothing to serve.
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
