package io.junitmultihost.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A bare exec of our own housekeeping scripts (no wrapper, output discarded) within a deadline. */
final class RawExec {

    private RawExec() {
    }

    /** Runs {@code script} and returns its exit status; throws {@link SshException} on failure or deadline. */
    static int run(Session session, String script, Deadline deadline, Duration openTimeout) {
        return run(session, script, deadline, openTimeout, () -> { });
    }

    /** As {@link #run(Session, String, Deadline, Duration)}; {@code opened} runs once the channel is open. */
    static int run(Session session, String script, Deadline deadline, Duration openTimeout, Runnable opened) {
        CountDownLatch closed = new CountDownLatch(1);
        ChannelExec channel;
        try {
            channel = Channels.open(session, "exec");
        } catch (JSchException e) {
            throw new SshException("Could not open a channel: " + e.getMessage(), e);
        }
        try {
            channel.setCommand(script.getBytes(StandardCharsets.UTF_8));
            channel.setOutputStream(OutputStream.nullOutputStream(), false);
            channel.setExtOutputStream(new OutputStream() {
                @Override
                public void write(int b) {
                }

                @Override
                public void write(byte[] b, int off, int len) {
                }

                @Override
                public void close() {
                    closed.countDown();
                }
            }, false);
            channel.connect(deadline.remainingMillisCapped(openTimeout.toMillis()));
            opened.run();
            try {
                channel.getOutputStream().close();
            } catch (IOException e) {
                // the script reads no stdin
            }
            if (!closed.await(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS)) {
                throw new SshException("Script did not finish within [" + HumanDuration.of(deadline.budget()) + "].");
            }
            return channel.getExitStatus();
        } catch (JSchException e) {
            throw new SshException("Could not run a script: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException("Interrupted.", e);
        } finally {
            channel.disconnect();
        }
    }
}
