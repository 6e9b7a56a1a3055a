package io.junitmultihost.sync.internal;

import java.util.List;
import java.util.Map;

/** One parsed request: method, decoded path segments, query parameters, the headers we use, and the body. */
final class HttpRequest {

    final String method;
    final String target;
    final List<String> path;
    final Map<String, String> query;
    final Map<String, String> headers;
    final byte[] body;
    final boolean keepAlive;
    /** What {@link ServerLoop.Handler#authenticate} found for the request's token. */
    final Object principal;

    HttpRequest(String method, String target, List<String> path, Map<String, String> query,
                Map<String, String> headers, byte[] body, boolean keepAlive, Object principal) {
        this.method = method;
        this.target = target;
        this.path = path;
        this.query = query;
        this.headers = headers;
        this.body = body;
        this.keepAlive = keepAlive;
        this.principal = principal;
    }

    /** The query parameter, or null. */
    String param(String name) {
        return query.get(name);
    }

    /** Method and path only: the query may name participants, never secrets, but stays out of logs anyway. */
    @Override
    public String toString() {
        return method + " /" + String.join("/", path);
    }
}
