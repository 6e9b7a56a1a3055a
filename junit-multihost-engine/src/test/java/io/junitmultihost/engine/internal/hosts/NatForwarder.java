package io.junitmultihost.engine.internal.hosts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP port forward on 127.0.0.1 in front of one host, as QEMU's user-mode network forwards a
 * guest's port: it accepts every connection whatever the host's state, and when the host is down
 * (its end refused or gone) it says nothing, neither data nor close, as a NAT in front of a kernel
 * that died with {@code reboot -f} says nothing. Only the client's close ends such a connection.
 */
final class NatForwarder implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    NatForwarder(String host, int port) throws IOException {
        this.target = new InetSocketAddress(host, port);
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.acceptor = daemon("nat-forwarder-" + port(), this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket front = server.accept();
                open.add(front);
                daemon("nat-forwarder-connection", () -> serve(front));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket front) {
        try (Socket back = new Socket()) {
            try {
                back.connect(target, 5_000);
            } catch (IOException refused) {
                drain(front, null);
                return;
            }
            open.add(back);
            Thread down = daemon("nat-forwarder-down", () -> down(back, front));
            drain(front, back);
            down.join();
        } catch (IOException | InterruptedException e) {
            // the connection ends
        } finally {
            close(front);
        }
    }

    /**
     * Passes what the client sends to the host until the client closes; once the host's end is
     * gone (or was never there) drops it silently, answering nothing.
     */
    private static void drain(Socket front, Socket back) {
        try {
            InputStream in = front.getInputStream();
            OutputStream out = back == null ? null : back.getOutputStream();
            byte[] buffer = new byte[16384];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (out != null) {
                    try {
                        out.write(buffer, 0, n);
                        out.flush();
                    } catch (IOException hostGone) {
                        out = null;
                    }
                }
            }
        } catch (IOException e) {
            // the client went away
        } finally {
            if (back != null) {
                close(back);
            }
        }
    }

    /** Passes what the host sends to the client; when the host's end closes, the client is told nothing. */
    private static void down(Socket back, Socket front) {
        try {
            InputStream in = back.getInputStream();
            OutputStream out = front.getOutputStream();
            byte[] buffer = new byte[16384];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        open.forEach(NatForwarder::close);
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
