package io.junitmultihost.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * File transfer over plain exec, for hosts whose sshd has no SFTP subsystem (busybox systems,
 * appliances): {@code cat} into a temporary file renamed into place for uploads, {@code ls -ld}
 * and {@code cat} for a file download, {@code tar} for a tree download (read here, by the same
 * rules as SFTP downloads: see {@link DownloadTarget}). Needs a POSIX {@code sh}, {@code cat},
 * {@code chmod}, {@code mv}, {@code mkdir}, {@code ls}, and {@code tar} for directory downloads.
 */
final class ExecTransfer {

    private static final int STDERR_LIMIT = 4096;

    private final Session session;
    private final Deadline deadline;
    private final String host;
    private final long openTimeoutMillis;

    ExecTransfer(Session session, Deadline deadline, String host, long openTimeoutMillis) {
        this.session = session;
        this.deadline = deadline;
        this.host = host;
        this.openTimeoutMillis = openTimeoutMillis;
    }

    void upload(Path local, String remote) throws Exception {
        if (Files.isDirectory(local)) {
            List<Path> entries;
            try (Stream<Path> walk = Files.walk(local)) {
                entries = walk.toList();
            }
            StringBuilder dirs = new StringBuilder("set -e\n");
            List<Path> files = new ArrayList<>();
            for (Path path : entries) {
                String relative = local.relativize(path).toString();
                String target = relative.isEmpty() ? remote : remote + "/" + relative;
                if (Files.isDirectory(path)) {
                    dirs.append("mkdir -p -- ").append(ShellQuote.quote(target)).append('\n')
                            .append("chmod ").append(octal(DownloadTarget.mode(path))).append(" -- ")
                            .append(ShellQuote.quote(target)).append('\n');
                } else if (Files.isRegularFile(path)) {
                    files.add(path);
                }
            }
            check(run(dirs.toString(), null, OutputStream.nullOutputStream()), "making the directories under ["
                    + remote + "]");
            for (Path file : files) {
                uploadFile(file, remote + "/" + local.relativize(file));
            }
        } else {
            uploadFile(local, remote);
        }
    }

    private void uploadFile(Path local, String remote) throws Exception {
        String target = ShellQuote.quote(remote);
        String part = ShellQuote.quote(remote + ".jmh-upload.part");
        int slash = remote.lastIndexOf('/');
        // Its directory is made when missing, as a tree upload makes its root.
        String mkdir = slash > 0 ? "mkdir -p -- " + ShellQuote.quote(remote.substring(0, slash)) + " && " : "";
        String script = mkdir + "cat > " + part + " && chmod " + octal(DownloadTarget.mode(local)) + " -- " + part
                + " && mv -f -- " + part + " " + target + " || { s=$?; rm -f -- " + part + "; exit $s; }";
        try (InputStream in = Files.newInputStream(local)) {
            check(run(script, in, OutputStream.nullOutputStream()), "writing [" + remote + "]");
        }
    }

    void download(String remote, Path local) throws Exception {
        String path = ShellQuote.quote(remote);
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        // The mode as ls prints it (-rwxr-x---), or d for a directory; ls -L follows a link as SFTP's stat does.
        Result kind = run("if [ -d " + path + " ]; then echo d; elif [ -f " + path + " ]; then m=$(ls -ldL -- "
                + path + ") && printf '%.10s\\n' \"$m\"; elif [ -e " + path + " ]; then echo 'not a regular file or"
                + " a directory' >&2; exit 3; else echo 'no such file or directory' >&2; exit 2; fi", null, head);
        check(kind, "looking at [" + remote + "]");
        String line = head.toString(StandardCharsets.UTF_8).strip();
        DownloadTarget into = new DownloadTarget(local, host);
        if (line.equals("d")) {
            downloadTree(remote, into);
            return;
        }
        int mode = parseMode(line, remote);
        into.writeFile(into.root(), mode, out -> check(run("exec cat -- " + path, null, out),
                "reading [" + remote + "]"));
    }

    private void downloadTree(String remote, DownloadTarget into) throws Exception {
        Result tar = run("command -v tar >/dev/null 2>&1 || { echo 'no tar' >&2; exit 127; }; cd -- "
                + ShellQuote.quote(remote) + " && exec tar cf - .", null, new TarStream(into, remote));
        if (tar.exitCode == 127 && tar.stderr.contains("no tar")) {
            throw new SshException("Host [" + host + "] has no SFTP subsystem and no tar, so the directory ["
                    + remote + "] cannot be downloaded. Enable SFTP in sshd_config (Subsystem sftp) or install tar.");
        }
        check(tar, "reading the tree [" + remote + "] with tar");
    }

    private static int parseMode(String line, String remote) {
        if (line.length() != 10) {
            throw new SshException("Could not read the mode of [" + remote + "] from ls: got [" + line + "].");
        }
        int mode = 0;
        for (int i = 1; i < 10; i++) {
            char c = line.charAt(i);
            boolean set = c != '-' && c != 'S' && c != 'T';
            if (set) {
                mode |= 1 << (9 - i);
            }
        }
        return mode;
    }

    private static String octal(int mode) {
        return String.format("%04o", mode & 07777);
    }

    private void check(Result result, String doing) {
        if (result.exitCode != 0) {
            throw new SshException("Host [" + host + "] failed " + doing + " over exec (it has no SFTP subsystem):"
                    + " exit code [" + result.exitCode + "]" + (result.stderr.isBlank() ? "" : ", stderr ["
                    + result.stderr.strip() + "]") + ".");
        }
    }

    private record Result(int exitCode, String stderr) {
    }

    /** Runs {@code script}, feeding {@code stdin} (or nothing) and writing stdout to {@code stdout}. */
    private Result run(String script, InputStream stdin, OutputStream stdout) throws JSchException, IOException,
            InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        BoundedCapture stderr = new BoundedCapture(STDERR_LIMIT, closed::countDown);
        // JSch's session thread writes stdout; what fails there (a refused name, a full disk) is kept for us.
        java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
        ChannelExec channel = Channels.open(session, "exec");
        try {
            channel.setCommand(script.getBytes(StandardCharsets.UTF_8));
            channel.setOutputStream(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (failed.get() != null) {
                        throw new IOException("the transfer already failed");
                    }
                    try {
                        stdout.write(b, off, len);
                    } catch (IOException | RuntimeException e) {
                        failed.compareAndSet(null, e);
                        throw e;
                    }
                }
            }, true);
            channel.setExtOutputStream(stderr, false);
            if (stdin != null) {
                channel.setInputStream(stdin, true);
            }
            channel.connect(deadline.remainingMillisCapped(openTimeoutMillis));
            if (stdin == null) {
                channel.getOutputStream().close();
            }
            if (!closed.await(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS)) {
                throw new SshTimeoutException("A transfer over exec on host [" + host + "] did not finish within ["
                        + HumanDuration.of(deadline.budget()) + "]. Raise the deadline or check the link to the host.",
                        new byte[0], new byte[0], null);
            }
            Exception failure = failed.get();
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failure instanceof IOException io) {
                throw io;
            }
            if (stdout instanceof TarStream tar) {
                tar.finish();
            }
            return new Result(channel.getExitStatus(), new String(stderr.toByteArray(), StandardCharsets.UTF_8));
        } finally {
            channel.disconnect();
            if (stdout instanceof TarStream tar) {
                tar.abort();
            }
        }
    }
}
