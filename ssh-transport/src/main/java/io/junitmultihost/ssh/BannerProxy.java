package io.junitmultihost.ssh;

import com.jcraft.jsch.Proxy;
import com.jcraft.jsch.SocketFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** Hands JSch a {@link BannerConnection}'s socket instead of connecting: the server's banner is replayed first. */
final class BannerProxy implements Proxy {

    private final BannerConnection.Streams streams;

    BannerProxy(BannerConnection.Streams streams) {
        this.streams = streams;
    }

    @Override
    public void connect(SocketFactory socketFactory, String host, int port, int timeout) {
        // already connected, and the banner arrived
    }

    @Override
    public InputStream getInputStream() {
        return streams.in();
    }

    @Override
    public OutputStream getOutputStream() {
        return streams.out();
    }

    @Override
    public Socket getSocket() {
        return streams.socket();
    }

    @Override
    public void close() {
        try {
            streams.closer().close();
        } catch (java.io.IOException e) {
            // the session is being torn down anyway
        }
    }
}
