package io.junitmultihost.sync;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * Where a sync scope is reached: the server's base URL as the caller sees it (on a host, the
 * local end of the SSH remote forward) and the scope's token. {@link #toString()} never shows
 * the token.
 */
public final class SyncEndpoint {

    /** The environment variable holding the base URL, e.g. {@code http://127.0.0.1:41234}. */
    public static final String URL_VARIABLE = "MH_SYNC_URL";
    /** The environment variable holding the token. */
    public static final String TOKEN_VARIABLE = "MH_SYNC_TOKEN";
    /** The environment variable holding the caller's participant name. */
    public static final String AS_VARIABLE = "MH_SYNC_AS";

    private final URI url;
    private final String token;

    private SyncEndpoint(URI url, String token) {
        if (!"http".equals(url.getScheme()) || url.getHost() == null || url.getPort() <= 0) {
            throw new IllegalArgumentException("Sync URL [" + url + "] is not http://HOST:PORT.");
        }
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("A sync endpoint needs the scope's token; it is empty.");
        }
        this.url = url;
        this.token = token;
    }

    /**
     * @param url the base URL, {@code http://HOST:PORT}
     * @param token the scope's token
     * @throws IllegalArgumentException when the URL is not http://HOST:PORT or the token is empty
     */
    public static SyncEndpoint of(String url, String token) {
        return new SyncEndpoint(URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url), token);
    }

    /**
     * Reads {@value #URL_VARIABLE} and {@value #TOKEN_VARIABLE}, as the engine sets them for processes and JVMs on hosts.
     *
     * @throws IllegalStateException naming the variable that is missing
     */
    public static SyncEndpoint fromEnvironment(Map<String, String> env) {
        String url = env.get(URL_VARIABLE);
        String token = env.get(TOKEN_VARIABLE);
        if (url == null || token == null) {
            throw new IllegalStateException("The environment lacks [" + (url == null ? URL_VARIABLE : TOKEN_VARIABLE)
                    + "]; the engine sets it for processes it starts on hosts.");
        }
        return of(url, token);
    }

    /** The base URL. */
    public URI url() {
        return url;
    }

    /** The host part of the URL. */
    public String host() {
        return url.getHost();
    }

    /** The port part of the URL. */
    public int port() {
        return url.getPort();
    }

    /** The token: a secret, keep it out of logs. */
    public String token() {
        return token;
    }

    /** The same scope seen through another address, e.g. the local port of an SSH remote forward on a host. */
    public SyncEndpoint at(String host, int port) {
        return new SyncEndpoint(URI.create("http://" + host + ":" + port), token);
    }

    /** The variables a host's process needs to reach this endpoint as the participant: URL, token and name. */
    public Map<String, String> environment(String participant) {
        return Map.of(URL_VARIABLE, url.toString(), TOKEN_VARIABLE, token, AS_VARIABLE, participant);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyncEndpoint && ((SyncEndpoint) o).url.equals(url) && ((SyncEndpoint) o).token.equals(token);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, token);
    }

    @Override
    public String toString() {
        return "SyncEndpoint[" + url + ", token=***]";
    }
}
