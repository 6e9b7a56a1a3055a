package io.junitmultihost.ssh;

import com.jcraft.jsch.Session;
import com.jcraft.jsch.SocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP socket under each direct session, kept so that a session stuck in a write can be ended
 * at once. On a dead link a write blocks in the socket once its buffers are full, holding JSch's
 * locks: closing the channel or the session then blocks too (until TCP gives up, many minutes
 * later), but closing the socket does not, and it fails the stuck write.
 */
final class SessionSockets {

    private static final Logger LOG = LoggerFactory.getLogger("io.junitmultihost.ssh.pool");
    private static final Map<Session, Socket> SOCKETS = Collections.synchronizedMap(new WeakHashMap<>());

    private SessionSockets() {
    }

    /** A socket factory for {@code session} (not behind a jump host) whose TCP connect takes at most {@code deadline}. */
    static SocketFactory factory(Session session, Deadline deadline) {
        return new SocketFactory() {
            @Override
            public Socket createSocket(String host, int port) throws IOException {
                Socket socket = new Socket();
                try {
                    socket.connect(new InetSocketAddress(host, port), Math.max(1, deadline.remainingMillisCapped(Integer.MAX_VALUE)));
                } catch (IOException e) {
                    socket.close();
                    throw e;
                }
                SOCKETS.put(session, socket);
                return socket;
            }

            @Override
            public InputStream getInputStream(Socket socket) throws IOException {
                return socket.getInputStream();
            }

            @Override
            public OutputStream getOutputStream(Socket socket) throws IOException {
                return socket.getOutputStream();
            }
        };
    }

    /** Closes {@code session}'s socket without waiting for anything (its stuck calls fail); false when it has none of ours. */
    static boolean abort(Session session) {
        Socket socket = SOCKETS.remove(session);
        if (socket == null) {
            return false;
        }
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("Closing a stuck session's socket failed: {}", e.toString());
        }
        return true;
    }
}
