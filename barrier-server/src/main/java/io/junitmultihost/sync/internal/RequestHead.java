package io.junitmultihost.sync.internal;

import java.util.List;
import java.util.Map;

/** The parsed head of a request whose body may still be on its way. */
final class RequestHead {

    final String method;
    final String target;
    final List<String> path;
    final Map<String, String> query;
    final Map<String, String> headers;
    final int contentLength;
    final boolean keepAlive;
    final boolean expectContinue;

    RequestHead(String method, String target, List<String> path, Map<String, String> query,
                Map<String, String> headers, int contentLength, boolean keepAlive, boolean expectContinue) {
        this.method = method;
        this.target = target;
        this.path = path;
        this.query = query;
        this.headers = headers;
        this.contentLength = contentLength;
        this.keepAlive = keepAlive;
        this.expectContinue = expectContinue;
    }

    HttpRequest withBody(byte[] body, Object principal) {
        return new HttpRequest(method, target, path, query, headers, body, keepAlive, principal);
    }
}
