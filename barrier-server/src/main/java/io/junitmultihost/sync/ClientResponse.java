package io.junitmultihost.sync;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.junitmultihost.sync.internal.WireFormat;

/** A response as the client read it. */
final class ClientResponse {

    final int status;
    final Map<String, String> headers;
    final byte[] body;

    ClientResponse(int status, Map<String, String> headers, byte[] body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    Map<String, byte[]> fields() {
        return WireFormat.parse(body);
    }

    /** The server's error sentence, or a generic one when the body holds none. */
    String error() {
        byte[] e = fields().get("error");
        return e != null ? new String(e, StandardCharsets.UTF_8) : "The sync server answered [" + status + "].";
    }

    boolean aborted() {
        return "true".equals(headers.get("x-mh-aborted"));
    }
}
