package io.junitmultihost.ssh;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Vector;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SFTP upload and download of files and directory trees with permission bits, under a deadline:
 * at the deadline the transfer is told to stop ({@link TransferStop}), and as SFTP calls can block
 * forever on a dead link, a watchdog closes the channel of one that did not stop.
 * A host whose sshd has no SFTP subsystem gets the same transfers over exec ({@link ExecTransfer}).
 */
final class Transfer {

    private static final Logger LOG = LoggerFactory.getLogger("io.junitmultihost.ssh.sftp");
    /** How long a transfer past its deadline may take to stop by itself before its channel is closed under it. */
    static final java.time.Duration STOP_WITHIN = java.time.Duration.ofMillis(250);
    /** How long a transfer whose channel was closed may take to come out before its connection is closed under it. */
    static final java.time.Duration STUCK = java.time.Duration.ofMillis(500);
    private final SshTarget target;
    private final PoolSettings settings;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean withoutSftp;

    /** {@code withoutSftp} is shared by the transfers of one host: once set, SFTP is not tried again. */
    Transfer(SshTarget target, PoolSettings settings, ScheduledExecutorService timer, AtomicBoolean withoutSftp) {
        this.target = target;
        this.settings = settings;
        this.timer = timer;
        this.withoutSftp = withoutSftp;
    }

    /** An SFTP step that may throw. */
    private interface SftpWork {
        void run(ChannelSftp sftp, TransferStop stop) throws Exception;
    }

    /** The same step over exec, for hosts without SFTP. */
    private interface ExecWork {
        void run(ExecTransfer exec) throws Exception;
    }

    void upload(Session session, Path local, String remotePath, Deadline deadline) {
        if (!Files.exists(local)) {
            throw new SshException("Local path [" + local + "] does not exist; nothing to upload to host ["
                    + target.describe() + "].");
        }
        String what = "Upload of [" + local + "] to [" + remotePath + "] on host [" + target.describe() + "]";
        withSftp(session, deadline, what, (sftp, stop) -> {
            if (Files.isDirectory(local)) {
                uploadTree(sftp, local, remotePath, stop);
            } else {
                uploadFile(sftp, local, remotePath, stop);
            }
        }, exec -> exec.upload(local, remotePath));
    }

    void download(Session session, String remotePath, Path local, Deadline deadline) {
        String what = "Download of [" + remotePath + "] from host [" + target.describe() + "] to [" + local + "]";
        withSftp(session, deadline, what, (sftp, stop) -> {
            SftpATTRS attrs = sftp.stat(remotePath);
            if (attrs.isDir()) {
                downloadTree(sftp, remotePath, local, stop);
            } else {
                downloadFile(sftp, remotePath, local, attrs, stop);
            }
        }, exec -> exec.download(remotePath, local));
    }

    private void withSftp(Session session, Deadline deadline, String what, SftpWork work, ExecWork fallback) {
        if (withoutSftp.get()) {
            overExec(session, deadline, what, fallback);
            return;
        }
        ChannelSftp sftp;
        try {
            sftp = Channels.open(session, "sftp");
        } catch (JSchException e) {
            throw new SshSessionLostException(what + " could not start: " + e.getMessage()
                    + ". The connection is down; retry after the host is back.", e);
        }
        TransferStop stop = new TransferStop();
        AtomicBoolean out = new AtomicBoolean();
        AtomicBoolean closing = new AtomicBoolean();
        ScheduledFuture<?> watchdog = timer.schedule(() -> {
            stop.deadlinePassed();
            endStuck(session, sftp, out, closing, what);
        }, Math.max(1, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
        long started = System.nanoTime();
        try {
            try {
                sftp.connect(deadline.remainingMillisCapped(settings.channelOpenTimeout().toMillis()));
            } catch (JSchException e) {
                if (stop.passed() || !session.isConnected() || e.getCause() instanceof IOException
                        || String.valueOf(e.getMessage()).contains("session is down")) {
                    throw e; // the connection broke (maybe just now), which says nothing of the host's SFTP
                }
                // OpenSSH refuses the subsystem request ("failed to send channel request"); dropbear
                // without sftp-server closes the channel ("inputstream is closed").
                if (withoutSftp.compareAndSet(false, true)) {
                    LOG.info("Host [{}] has no SFTP subsystem ({}); transferring files over exec (cat, tar) from now"
                            + " on.", target.describe(), e.getMessage());
                }
                watchdog.cancel(false);
                overExec(session, deadline, what, fallback);
                return;
            }
            work.run(sftp, stop);
            LOG.debug("{} took [{} ms].", what, (System.nanoTime() - started) / 1_000_000);
        } catch (Exception e) {
            if (stop.passed()) {
                throw new SshTimeoutException(what + " did not finish within [" + HumanDuration.of(deadline.budget())
                        + "]. Raise the deadline or check the link to the host.", new byte[0], new byte[0], e);
            }
            if (e instanceof SshException ssh) {
                throw ssh; // already says what failed (the exec fallback's own failures among them)
            }
            if (!session.isConnected()) {
                throw new SshSessionLostException(what + " failed: the connection was lost (" + e.getMessage()
                        + "). Check whether the host rebooted or the link was cut.", e);
            }
            throw new SshException(what + " failed: " + describe(e) + ".", e);
        } finally {
            out.set(true);
            watchdog.cancel(false);
            if (closing.compareAndSet(false, true)) {
                sftp.disconnect(); // on this thread, after its last write: else endStuck does it
            }
        }
    }

    /**
     * Ends a transfer past its deadline that did not stop by itself within {@link #STOP_WITHIN}: it
     * waits on the host. Its channel is closed on a worker of the pool (closing it blocks when the
     * transfer's write is stuck on a dead link, as it holds the session's lock while the socket's
     * buffers are full); a transfer still not out after {@link #STUCK} gets its session's socket
     * closed, which fails the stuck write at once. The session is lost then; the host's next call
     * connects anew.
     */
    private void endStuck(Session session, ChannelSftp sftp, AtomicBoolean out, AtomicBoolean closing, String what) {
        timer.schedule(() -> {
            if (out.get() || !closing.compareAndSet(false, true)) {
                return;
            }
            timer.schedule(() -> {
                if (!out.get() && SessionSockets.abort(session)) {
                    LOG.warn("{} was stuck past its deadline (a dead link?): its connection was closed.", what);
                }
            }, STUCK.toMillis(), TimeUnit.MILLISECONDS);
            sftp.disconnect();
        }, STOP_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void overExec(Session session, Deadline deadline, String what, ExecWork work) {
        try {
            work.run(new ExecTransfer(session, deadline, target.describe(), settings.channelOpenTimeout().toMillis()));
        } catch (SshException e) {
            throw e;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (!session.isConnected()) {
                throw new SshSessionLostException(what + " failed: the connection was lost (" + e.getMessage()
                        + "). Check whether the host rebooted or the link was cut.", e);
            }
            throw new SshException(what + " failed (over exec: the host has no SFTP subsystem): " + e + ".", e);
        }
    }

    private static String describe(Exception e) {
        if (e instanceof SftpException sftp) {
            return switch (sftp.id) {
                case ChannelSftp.SSH_FX_NO_SUCH_FILE -> "no such file or directory (" + sftp.getMessage() + ")";
                case ChannelSftp.SSH_FX_PERMISSION_DENIED -> "permission denied (" + sftp.getMessage() + ")";
                default -> "SFTP error " + sftp.id + " (" + sftp.getMessage() + ")";
            };
        }
        return e.toString();
    }

    private void uploadTree(ChannelSftp sftp, Path root, String remoteRoot, TransferStop stop) throws SftpException, IOException {
        mkdirs(sftp, remoteRoot);
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(root)) {
            entries = walk.toList();
        }
        for (Path path : entries) {
            stop.check();
            String relative = root.relativize(path).toString().replace('\\', '/');
            String remote = relative.isEmpty() ? remoteRoot : remoteRoot + "/" + relative;
            if (Files.isDirectory(path)) {
                if (!relative.isEmpty()) {
                    mkdirs(sftp, remote);
                }
                sftp.chmod(mode(path), remote);
            } else if (Files.isRegularFile(path)) {
                uploadFile(sftp, path, remote, stop);
            } else {
                LOG.debug("Skipping [{}]: neither a file nor a directory.", path);
            }
        }
    }

    private void uploadFile(ChannelSftp sftp, Path local, String remote, TransferStop stop) throws SftpException, IOException {
        try {
            put(sftp, local, remote, stop);
        } catch (SftpException e) {
            // Its directory does not exist yet: made as a tree upload makes its root (cp would refuse,
            // but a test writing /opt/app/app.conf means it). Tried after the put, so that the
            // common case costs no stat.
            int slash = remote.lastIndexOf('/');
            if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE || slash <= 0) {
                throw e;
            }
            mkdirs(sftp, remote.substring(0, slash));
            put(sftp, local, remote, stop);
        }
        sftp.chmod(mode(local), remote);
    }

    private static void put(ChannelSftp sftp, Path local, String remote, TransferStop stop) throws SftpException, IOException {
        try (InputStream in = Files.newInputStream(local)) {
            sftp.put(in, remote, stop, ChannelSftp.OVERWRITE);
        }
        stop.check();
    }

    private static void mkdirs(ChannelSftp sftp, String remote) throws SftpException {
        try {
            if (sftp.stat(remote).isDir()) {
                return;
            }
        } catch (SftpException e) {
            if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                throw e;
            }
        }
        int slash = remote.lastIndexOf('/');
        if (slash > 0) {
            mkdirs(sftp, remote.substring(0, slash));
        }
        sftp.mkdir(remote);
    }

    private void downloadTree(ChannelSftp sftp, String remote, Path local, TransferStop stop) throws Exception {
        downloadTree(sftp, remote, new DownloadTarget(local, target.describe()), local, stop);
    }

    /**
     * Copies the remote directory {@code remote} into {@code local} under {@code into}. Symbolic
     * links to files arrive as files; links to directories are not followed (a link may point at
     * an ancestor, and the tree would never end).
     */
    private void downloadTree(ChannelSftp sftp, String remote, DownloadTarget into, Path local, TransferStop stop)
            throws Exception {
        Path dir = into.under(local, remote);
        boolean made = into.makeDirectory(dir);
        @SuppressWarnings("unchecked")
        Vector<ChannelSftp.LsEntry> entries = sftp.ls(remote);
        for (ChannelSftp.LsEntry entry : entries) {
            stop.check();
            String name = entry.getFilename();
            java.util.Optional<Path> child = into.child(dir, name, remote);
            if (child.isEmpty()) {
                continue;
            }
            SftpATTRS attrs = entry.getAttrs();
            String remoteChild = remote + "/" + name;
            if (attrs.isLink()) {
                try {
                    attrs = sftp.stat(remoteChild);
                } catch (SftpException e) {
                    if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                        throw e;
                    }
                    LOG.debug("Skipping [{}] on host [{}]: a link to nothing.", remoteChild, target.describe());
                    continue;
                }
                if (!attrs.isReg()) {
                    LOG.debug("Not following [{}] on host [{}]: a link to something other than a file.", remoteChild,
                            target.describe());
                    continue;
                }
            }
            if (attrs.isDir()) {
                downloadTree(sftp, remoteChild, into, child.get(), stop);
            } else if (attrs.isReg()) {
                downloadFile(sftp, remoteChild, into, child.get(), attrs, stop);
            }
        }
        into.finishDirectory(dir, made, sftp.stat(remote).getPermissions());
    }

    private void downloadFile(ChannelSftp sftp, String remote, Path local, SftpATTRS attrs, TransferStop stop)
            throws Exception {
        downloadFile(sftp, remote, new DownloadTarget(local, target.describe()), local, attrs, stop);
    }

    private static void downloadFile(ChannelSftp sftp, String remote, DownloadTarget into, Path local, SftpATTRS attrs,
            TransferStop stop) throws Exception {
        into.writeFile(into.under(local, remote), attrs.getPermissions(), out -> {
            sftp.get(remote, out, stop);
            stop.check(); // before the file is kept: one cut short must not count as downloaded
        });
    }

    private static int mode(Path path) throws IOException {
        return DownloadTarget.mode(path);
    }
}
