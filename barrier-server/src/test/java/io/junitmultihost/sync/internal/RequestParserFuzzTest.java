package io.junitmultihost.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * Mutates valid requests with a seeded {@link Random} and feeds them to the parser in random
 * chunks, then to a real server over sockets. The parser must only ever produce a head or a
 * 4xx/5xx refusal; the server must never answer 500 and must keep serving. A failure names the
 * seed: rerun with {@code -Dfuzz.seed=N}.
 */
class RequestParserFuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", 20251122L);
    private static final Set<Integer> REFUSALS = Set.of(400, 413, 417, 431, 501, 505);
    private static final String[] VALID = {
        "GET /v1/health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer TOKEN\r\n\r\n",
        "POST /v1/sync/start?as=a&with=b,c&vote=yes&timeout=1s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer TOKEN\r\nContent-Length: 5\r\n\r\nhello",
        "PUT /v1/kv/a/b?as=a&expect=old HTTP/1.1\r\nAuthorization: Bearer TOKEN\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nnew",
        "GET /v1/kv/k?wait=1s&value=v%20w HTTP/1.1\r\nX-MH-Token: TOKEN\r\nConnection: close\r\n\r\n",
        "POST /v1/cluster/ready?as=s&timeout=1s&with=s,c HTTP/1.0\r\nAuthorization: Bearer TOKEN\r\n\r\n",
        "GET /v1/events?after=0&timeout=1s HTTP/1.1\r\nAuthorization: Bearer TOKEN\r\n\r\n",
    };
    private static final byte[] INTERESTING = "\r\n :%?&=/\t\u0000\u00ff+#0123456789-".getBytes(StandardCharsets.ISO_8859_1);

    static byte[] mutate(Random r, String token) {
        byte[] b = VALID[r.nextInt(VALID.length)].replace("TOKEN", token).getBytes(StandardCharsets.ISO_8859_1);
        int rounds = 1 + r.nextInt(4);
        for (int i = 0; i < rounds; i++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0: // flip a byte
                    b[at] = (byte) r.nextInt(256);
                    break;
                case 1: // an interesting byte
                    b[at] = INTERESTING[r.nextInt(INTERESTING.length)];
                    break;
                case 2: { // insert bytes
                    int n = 1 + r.nextInt(r.nextInt(10) == 0 ? 70_000 : 8);
                    byte[] c = new byte[b.length + n];
                    System.arraycopy(b, 0, c, 0, at);
                    for (int k = 0; k < n; k++) {
                        c[at + k] = r.nextBoolean() ? INTERESTING[r.nextInt(INTERESTING.length)] : (byte) r.nextInt(256);
                    }
                    System.arraycopy(b, at, c, at + n, b.length - at);
                    b = c;
                    break;
                }
                case 3: { // delete a range
                    int n = Math.min(b.length - at, 1 + r.nextInt(10));
                    byte[] c = new byte[b.length - n];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + n, c, at, b.length - at - n);
                    b = c.length == 0 ? new byte[] {'G'} : c;
                    break;
                }
                case 4: { // duplicate a range (repeated headers, parameters)
                    int n = Math.min(b.length - at, 1 + r.nextInt(40));
                    byte[] c = new byte[b.length + n];
                    System.arraycopy(b, 0, c, 0, at + n);
                    System.arraycopy(b, at, c, at + n, b.length - at);
                    b = c;
                    break;
                }
                case 5: // truncate
                    b = java.util.Arrays.copyOf(b, Math.max(1, at));
                    break;
                default: // a second request behind the first (pipelining)
                    byte[] second = VALID[r.nextInt(VALID.length)].replace("TOKEN", token).getBytes(StandardCharsets.ISO_8859_1);
                    byte[] c = java.util.Arrays.copyOf(b, b.length + second.length);
                    System.arraycopy(second, 0, c, b.length, second.length);
                    b = c;
            }
        }
        return b;
    }

    @Test
    void theParserOnlyEverReturnsAHeadOrARefusal() {
        Random seeds = new Random(SEED);
        for (int i = 0; i < 20_000; i++) {
            long seed = seeds.nextLong();
            Random r = new Random(seed);
            byte[] input = mutate(r, "t0k3n");
            RequestParser parser = new RequestParser(16 * 1024, 64 * 1024);
            ByteBuffer buf = ByteBuffer.allocate(input.length).flip();
            int fed = 0;
            try {
                while (fed < input.length) {
                    int n = Math.min(input.length - fed, 1 + r.nextInt(64));
                    buf.compact();
                    buf.put(input, fed, n);
                    buf.flip();
                    fed += n;
                    RequestHead h;
                    while ((h = parser.parseHead(buf)) != null) {
                        assertThat(h.method).isNotEmpty();
                        assertThat(h.contentLength).isBetween(0, 64 * 1024);
                        int skip = Math.min(buf.remaining(), h.contentLength);
                        buf.position(buf.position() + skip);
                    }
                }
            } catch (HttpError e) {
                if (!REFUSALS.contains(e.status) || e.getMessage() == null || e.getMessage().isEmpty()) {
                    fail("Seed [" + seed + "] (run seed " + SEED + ") gave status " + e.status + ": " + e.getMessage());
                }
            } catch (RuntimeException e) {
                throw new AssertionError("Seed [" + seed + "] (run seed " + SEED + ") made the parser throw " + e, e);
            }
        }
    }

    @Test
    void aRealServerAnswersMutatedRequestsWithoutA500AndKeepsServing() throws Exception {
        io.junitmultihost.sync.SyncServer server = io.junitmultihost.sync.SyncServer.start(
                io.junitmultihost.sync.SyncServerConfig.builder().requestTimeout(Duration.ofMillis(300)).build());
        try {
            String token = server.scope().endpoint().token();
            Random seeds = new Random(SEED);
            int answered = 0;
            for (int i = 0; i < 400; i++) {
                long seed = seeds.nextLong();
                byte[] input = mutate(new Random(seed), token);
                String answers = exchange(server.port(), input);
                answered += answers.startsWith("HTTP/1.1 ") ? 1 : 0;
                if (answers.contains("HTTP/1.1 500")) {
                    fail("Seed [" + seed + "] (run seed " + SEED + ") got a 500: " + answers);
                }
                if (i % 50 == 0) {
                    assertThat(exchange(server.port(), VALID[0].replace("TOKEN", token).getBytes(StandardCharsets.US_ASCII)))
                            .as("the server still serves after seed [%d] (run seed %d)", seed, SEED).startsWith("HTTP/1.1 200");
                }
            }
            assertThat(exchange(server.port(), VALID[0].replace("TOKEN", token).getBytes(StandardCharsets.US_ASCII)))
                    .startsWith("HTTP/1.1 200");
            assertThat(answered).as("mutated requests that got an answer (run seed %d)", SEED).isGreaterThan(200);
        } finally {
            server.close();
        }
    }

    /** Sends the bytes, half-closes (so the server ends the connection after answering), and reads the answers. */
    private static String exchange(int port, byte[] input) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(3000);
            try {
                s.getOutputStream().write(input);
                s.getOutputStream().flush();
                s.shutdownOutput();
            } catch (IOException e) {
                return ""; // The server refused early and closed: fine.
            }
            InputStream in = s.getInputStream();
            StringBuilder sb = new StringBuilder();
            byte[] chunk = new byte[8192];
            try {
                int n;
                while ((n = in.read(chunk)) > 0) {
                    sb.append(new String(chunk, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (SocketTimeoutException e) {
                // A held long-poll or keep-alive: what arrived is enough.
            } catch (IOException e) {
                // Reset after a refusal: fine.
            }
            return sb.toString();
        }
    }
}
