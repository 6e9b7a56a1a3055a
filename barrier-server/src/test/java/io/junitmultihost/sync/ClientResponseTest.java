package io.junitmultihost.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ClientResponseTest {

    private static ClientResponse head(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return ClientResponse.head(bytes, text.indexOf("\r\n\r\n"));
    }

    @Test
    void headReadsStatusAndHeadersWithLowerCaseNames() throws IOException {
        ClientResponse r = head("HTTP/1.1 409 Conflict\r\nContent-Length: 12\r\nX-MH-Aborted:  true \r\nBroken line\r\n\r\nbody");

        assertThat(r.status).isEqualTo(409);
        assertThat(r.contentLength()).isEqualTo(12);
        assertThat(r.aborted()).isTrue();
        assertThat(r.headers).containsOnlyKeys("content-length", "x-mh-aborted");
        assertThat(r.withBody(new byte[] {1}).body).containsExactly(1);
    }

    @Test
    void headWithoutContentLengthHasAnEmptyBody() throws IOException {
        assertThat(head("HTTP/1.0 200 OK\r\n\r\n").contentLength()).isZero();
    }

    @Test
    void headThatIsNotHttpIsAnIoErrorNamingTheLine() {
        assertThatThrownBy(() -> head("SSH-2.0-OpenSSH_9.2\r\n\r\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("[SSH-2.0-OpenSSH_9.2]");
        assertThatThrownBy(() -> head("HTTP/1.1 2x0 OK\r\n\r\n")).isInstanceOf(IOException.class);
    }

    @Test
    void contentLengthThatIsNotANumberIsAnIoError() {
        assertThatThrownBy(() -> head("HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\n").contentLength())
                .isInstanceOf(IOException.class).hasMessageContaining("[many]");
    }
}
