package io.junitmultihost.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class RequestParserTest {

    private final RequestParser parser = new RequestParser(1024, 4096);

    private static ByteBuffer buf(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void parsesMethodDecodedPathQueryAndHeaders() throws HttpError {
        RequestHead h = parser.parseHead(buf("POST /v1/sync/db%2Dup?as=a&with=b,c&reason=disk+full%21 HTTP/1.1\r\n"
                + "Host: x\r\nAuthorization: Bearer t\r\nContent-Length: 5\r\n\r\nhello"));
        assertThat(h.method).isEqualTo("POST");
        assertThat(h.path).containsExactly("v1", "sync", "db-up");
        assertThat(h.query).containsEntry("as", "a").containsEntry("with", "b,c").containsEntry("reason", "disk full!");
        assertThat(h.headers).containsEntry("authorization", "Bearer t");
        assertThat(h.contentLength).isEqualTo(5);
        assertThat(h.keepAlive).isTrue();
    }

    @Test
    void aHeadSplitAtEveryByteIsParsedOnceComplete() throws HttpError {
        byte[] whole = "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int split = 1; split < whole.length; split++) {
            RequestParser p = new RequestParser(1024, 4096);
            ByteBuffer b = ByteBuffer.allocate(whole.length);
            b.put(whole, 0, split).flip();
            assertThat(p.parseHead(b)).as("split at %d", split).isNull();
            b.compact().put(whole, split, whole.length - split).flip();
            assertThat(p.parseHead(b)).as("split at %d", split).isNotNull();
            assertThat(b.hasRemaining()).isFalse();
        }
    }

    @Test
    void connectionCloseAndHttp10EndTheConnection() throws HttpError {
        assertThat(parser.parseHead(buf("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")).keepAlive).isFalse();
        assertThat(parser.parseHead(buf("GET / HTTP/1.0\r\n\r\n")).keepAlive).isFalse();
        assertThat(parser.parseHead(buf("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")).keepAlive).isTrue();
    }

    @Test
    void leadingEmptyLinesAreIgnored() throws HttpError {
        assertThat(parser.parseHead(buf("\r\n\r\nGET /v1/health HTTP/1.1\r\n\r\n")).path).containsExactly("v1", "health");
    }

    @Test
    void aContentLengthTooLongForAnIntIsTooLargeNotMalformed() {
        assertStatus("PUT /k HTTP/1.1\r\nContent-Length: 10737418240\r\n\r\n", 413);
        assertStatus("PUT /k HTTP/1.1\r\nContent-Length: 99999999999999999999999999\r\n\r\n", 413);
        assertStatus("PUT /k HTTP/1.1\r\nContent-Length: 12a\r\n\r\n", 400);
    }

    @Test
    void expectContinueIsNotedAndOtherExpectationsRefused() throws HttpError {
        assertThat(parser.parseHead(buf("PUT /k HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")).expectContinue).isTrue();
        assertStatus("PUT /k HTTP/1.1\r\nExpect: magic\r\n\r\n", 417);
    }

    @Test
    void malformedHeadsAreRefusedWithTheRightStatus() {
        assertStatus("GARBAGE\r\n\r\n", 400);
        assertStatus("GET  /x HTTP/1.1\r\n\r\n", 400);
        assertStatus("get /x HTTP/1.1\r\n\r\n", 400);
        assertStatus("PATCH /x HTTP/1.1\r\n\r\n", 501);
        assertStatus("GET /x HTTP/3\r\n\r\n", 505);
        assertStatus("GET x HTTP/1.1\r\n\r\n", 400);
        assertStatus("GET /x#frag HTTP/1.1\r\n\r\n", 400);
        assertStatus("GET /x?a=%G1 HTTP/1.1\r\n\r\n", 400);
        assertStatus("GET /x?a=1&a=2 HTTP/1.1\r\n\r\n", 400);
        assertStatus("GET /x HTTP/1.1\r\nNoColon\r\n\r\n", 400);
        assertStatus("GET /x HTTP/1.1\r\nBad Name: v\r\n\r\n", 400);
        assertStatus("GET /x HTTP/1.1\r\nA: b\u0001c\r\n\r\n", 400);
        assertStatus("GET /x HTTP/1.1\r\nA: b\r\n  folded\r\n\r\n", 400);
        assertStatus("GET /x HTTP/1.1\nA: b\r\n\r\n", 400);
        assertStatus("GET /x HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", 400);
        assertStatus("GET /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", 400);
        assertStatus("GET /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 501);
        assertStatus("GET /x HTTP/1.1\r\nContent-Length: 4097\r\n\r\n", 413);
        assertStatus("GET /x HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", 413);
    }

    @Test
    void headsOverTheLimitAreRefusedEvenBeforeTheyEnd() {
        assertStatus("GET /x HTTP/1.1\r\nX: " + "a".repeat(2000), 431);
        assertStatus("GET /x HTTP/1.1\r\nX: " + "a".repeat(2000) + "\r\n\r\n", 431);
    }

    @Test
    void errorsNeverEchoControlCharactersOrLongInput() {
        assertThatThrownBy(() -> parser.parseHead(buf("GET\u0007" + "z".repeat(500) + " /x HTTP/1.1\r\n\r\n")))
                .isInstanceOf(HttpError.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u0007").hasSizeLessThan(300));
    }

    private void assertStatus(String request, int status) {
        assertThatThrownBy(() -> new RequestParser(1024, 4096).parseHead(buf(request)))
                .as(request).isInstanceOf(HttpError.class)
                .satisfies(e -> {
                    assertThat(((HttpError) e).status).as(request).isEqualTo(status);
                    assertThat(((HttpError) e).closeConnection).isTrue();
                });
    }
}
