package io.junitmultihost.ssh;

import com.jcraft.jsch.ServerSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;

/**
 * The listening socket of a local forward, which stops listening before {@link #close()} returns.
 * A plain {@link ServerSocket} does not while another thread is blocked in {@code accept()}, as
 * JSch's forwarding thread always is: the JDK only signals that thread, and the kernel keeps the
 * socket listening until it wakes, so a connection made right after {@code close()} returned was
 * still accepted and forwarded (about one in seven on this project's machine). Here {@code close()}
 * waits for the accepting thread to leave, at most {@link #CLOSE_WITHIN}, and a connection it
 * accepted meanwhile is closed unserved.
 */
final class PromptlyClosedServerSocket extends ServerSocket {

    /** Makes the sockets JSch listens on for local forwards. */
    static final ServerSocketFactory FACTORY = PromptlyClosedServerSocket::new;
    /** Far more than a signalled thread takes to wake; past it, close returns anyway. */
    static final Duration CLOSE_WITHIN = Duration.ofSeconds(1);

    private final Object lock = new Object();
    private int accepting;
    private boolean closing;

    PromptlyClosedServerSocket(int port, int backlog, InetAddress address) throws IOException {
        super(port, backlog, address);
    }

    @Override
    public Socket accept() throws IOException {
        synchronized (lock) {
            if (closing) {
                throw new SocketException("Socket is closed");
            }
            accepting++;
        }
        try {
            Socket accepted = super.accept();
            synchronized (lock) {
                if (closing) {
                    accepted.close();
                    throw new SocketException("Socket is closed");
                }
            }
            return accepted;
        } finally {
            synchronized (lock) {
                accepting--;
                lock.notifyAll();
            }
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (lock) {
            closing = true;
        }
        super.close();
        Deadline deadline = Deadline.after(CLOSE_WITHIN);
        synchronized (lock) {
            while (accepting > 0 && !deadline.expired()) {
                try {
                    lock.wait(Math.max(1, deadline.remainingMillisCapped(Integer.MAX_VALUE)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
