package io.junitmultihost.embedded;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import io.junitmultihost.spi.HostSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/** A real SSH client for the tests: JSch with strict host-key checking against the given known_hosts lines. */
final class JschClient implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Session session;

    private JschClient(Session session) {
        this.session = session;
    }

    /** Connects as the spec says, trusting only the spec's known_hosts lines. */
    static JschClient connect(HostSpec spec) throws JSchException {
        return connect(spec, spec.knownHosts());
    }

    /** Connects as the spec says, trusting only {@code knownHosts}. */
    static JschClient connect(HostSpec spec, List<String> knownHosts) throws JSchException {
        JSch jsch = new JSch();
        jsch.addIdentity(spec.identityFile().orElseThrow().toString());
        jsch.setKnownHosts(new ByteArrayInputStream(String.join("\n", knownHosts).getBytes(StandardCharsets.UTF_8)));
        Session session = jsch.getSession(spec.user(), spec.address(), spec.port());
        session.setConfig("StrictHostKeyChecking", "yes");
        session.setConfig("PreferredAuthentications", "publickey");
        session.connect((int) TIMEOUT.toMillis());
        return new JschClient(session);
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    Result exec(String command) throws Exception {
        return exec(command, Map.of(), null);
    }

    Result exec(String command, Map<String, String> env, byte[] stdin) throws Exception {
        ChannelExec channel = (ChannelExec) session.openChannel("exec");
        channel.setCommand(command);
        env.forEach(channel::setEnv);
        if (stdin != null) {
            channel.setInputStream(new ByteArrayInputStream(stdin));
        }
        InputStream out = channel.getInputStream();
        InputStream err = channel.getExtInputStream();
        channel.connect((int) TIMEOUT.toMillis());
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        long end = System.nanoTime() + TIMEOUT.toNanos();
        byte[] buffer = new byte[8192];
        while (true) {
            drain(out, stdout, buffer);
            drain(err, stderr, buffer);
            if (channel.isClosed() && out.available() == 0 && err.available() == 0) {
                break;
            }
            if (System.nanoTime() > end) {
                channel.disconnect();
                throw new AssertionError("Command [" + command + "] did not finish within " + TIMEOUT);
            }
            Thread.sleep(5);
        }
        channel.disconnect();
        return new Result(channel.getExitStatus(), stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    }

    /** Starts {@code command} and returns its open channel, for tests that close it early. */
    ChannelExec start(String command) throws JSchException {
        ChannelExec channel = (ChannelExec) session.openChannel("exec");
        channel.setCommand(command);
        channel.connect((int) TIMEOUT.toMillis());
        return channel;
    }

    /** An exec channel for {@code command}, not yet connected, for tests that drive it themselves. */
    ChannelExec channel(String command) throws JSchException {
        ChannelExec channel = (ChannelExec) session.openChannel("exec");
        channel.setCommand(command);
        return channel;
    }

    ChannelSftp sftp() throws JSchException {
        ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
        sftp.connect((int) TIMEOUT.toMillis());
        return sftp;
    }

    /**
     * Forwards 127.0.0.1:remotePort on the host to toHost:toPort here. Asked on a thread of its
     * own, as ssh-transport's Forwarding does: JSch wakes the asking thread with an interrupt that
     * can land after the call returned, and would fail that thread's next wait.
     */
    void forwardRemote(int remotePort, String toHost, int toPort) throws Exception {
        FutureTask<Void> ask = new FutureTask<>(() -> {
            session.setPortForwardingR("127.0.0.1", remotePort, toHost, toPort);
            return null;
        });
        Thread asker = new Thread(ask, "ask-remote-forward");
        asker.setDaemon(true);
        asker.start();
        ask.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    Session session() {
        return session;
    }

    boolean isConnected() {
        return session.isConnected();
    }

    private static void drain(InputStream in, ByteArrayOutputStream to, byte[] buffer) throws IOException {
        while (in.available() > 0) {
            int n = in.read(buffer, 0, Math.min(buffer.length, in.available()));
            if (n < 0) {
                return;
            }
            to.write(buffer, 0, n);
        }
    }

    @Override
    public void close() {
        session.disconnect();
    }
}
