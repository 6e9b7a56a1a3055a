package io.junitmultihost.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A connection's read buffer grows for a large request and shrinks back once it is served. */
class ConnectionBufferTest {

    private static final ServerLimits LIMITS = new ServerLimits(100, 32 * 1024, 64 * 1024, Duration.ofSeconds(10),
            Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofHours(1), 1000, 1000,
            16 * 1024 * 1024, 16, Duration.ofSeconds(5));

    @Test
    void aKeptConnectionHoldsNoLargeBufferAfterALargeRequest() throws Exception {
        try (ServerCore core = ServerCore.start(new InetSocketAddress("127.0.0.1", 0), LIMITS);
             Socket s = new Socket("127.0.0.1", core.address().getPort())) {
            core.openScope("t", "token");
            s.setSoTimeout(10_000);
            String body = "x".repeat(60_000);
            s.getOutputStream().write(("PUT /v1/kv/big?as=a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer token\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            byte[] answer = new byte[12];
            assertThat(in.readNBytes(answer, 0, 12)).isEqualTo(12);
            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> core.bufferedBytes() <= 4096);
        }
    }
}
