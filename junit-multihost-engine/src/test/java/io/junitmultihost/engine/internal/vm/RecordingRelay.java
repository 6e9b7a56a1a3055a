package io.junitmultihost.engine.internal.vm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP relay on this machine's loopback to one address, keeping every byte its first client sent:
 * what a sniffer on the network between the controller and a remote JVM sees.
 */
final class RecordingRelay implements AutoCloseable {

    private final ServerSocket server;
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    RecordingRelay(String address, int port) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread relay = new Thread(() -> {
            try (Socket client = server.accept(); Socket target = new Socket(address, port)) {
                Thread back = new Thread(() -> copy(target, client, null));
                back.setDaemon(true);
                back.start();
                copy(client, target, sent);
            } catch (IOException e) {
                // the test closed it
            }
        }, "recording-relay");
        relay.setDaemon(true);
        relay.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** What the client sent so far. */
    byte[] sent() {
        synchronized (sent) {
            return sent.toByteArray();
        }
    }

    private static void copy(Socket from, Socket to, ByteArrayOutputStream record) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (record != null) {
                    synchronized (record) {
                        record.write(buffer, 0, n);
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
