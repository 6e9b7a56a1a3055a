package io.junitmultihost.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec (or shell) channel: {@code /bin/sh -c <command>} in the host's home directory, in its
 * own session where {@code setsid} exists, refused when {@link MachineGuard} says it would reach
 * this machine's power, and as root inside the boot's own PID namespace ({@link PidNamespace})
 * without the capability to reboot it, with the channel's stdin, stdout, stderr and exit
 * status wired to the process. As with OpenSSH, the exit status is sent once the shell has
 * exited and its output has reached end of file (a background job that keeps stdout open keeps
 * the channel open). When the channel closes before that, the command's whole tree is killed. A
 * signal the client sends goes to the command's process group.
 */
final class ShellCommand implements Command {

    private static final Logger LOG = LoggerFactory.getLogger(ShellCommand.class);
    private static final String SHELL = "/bin/sh";

    private final Boot boot;
    private final String command;
    private final ExecutorService threads;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile Process process;
    private volatile String tag;
    private volatile boolean finished;

    /** @param command the command line, or null for a shell that reads its commands from stdin */
    ShellCommand(Boot boot, String command, ExecutorService threads) {
        this.boot = boot;
        this.command = command;
        this.threads = threads;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        if (command != null) {
            Optional<String> refused = MachineGuard.refusal(command);
            if (refused.isPresent()) {
                LOG.debug("Embedded host [{}] {}", boot.host(), refused.get()); // not WARN: command lines may hold secrets
                finished = true;
                err.write(("Embedded host [" + boot.host() + "] " + refused.get() + "\n").getBytes(StandardCharsets.UTF_8));
                err.flush();
                exit.onExit(MachineGuard.EXIT_REFUSED, "refused");
                return;
            }
        }
        tag = boot.processes().newTag();
        List<String> argv = new ArrayList<>();
        argv.addAll(Platform.newSession());
        argv.addAll(boot.processes().enter(boot.files().home()));
        argv.addAll(Platform.withoutReboot());
        argv.add(SHELL);
        if (command != null) {
            argv.add("-c");
            argv.add(command);
        }
        ProcessBuilder builder = new ProcessBuilder(argv).directory(boot.files().home().toFile());
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.putAll(boot.environment(env.getEnv(),
                channel.getSession().getClientAddress(), channel.getSession().getIoSession().getLocalAddress()));
        environment.put(HostProcesses.TAG_VARIABLE, tag);
        LOG.debug("Embedded host [{}] runs [{}].", boot.host(), command);
        Process started;
        try {
            started = builder.start();
        } catch (IOException e) {
            finished = true;
            err.write(("Embedded host [" + boot.host() + "] could not start [" + SHELL + "]: " + e.getMessage() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            err.flush();
            exit.onExit(127, e.getMessage());
            return;
        }
        process = started;
        if (!boot.processes().register(started, tag)) {
            finished = true;
            exit.onExit(255, "host is going down");
            return;
        }
        env.addSignalListener((ch, signal) -> boot.processes().signal(started, signal.name()));
        threads.execute(() -> feedStdin(started));
        Future<?> stderr = threads.submit(() -> copy(started.getErrorStream(), err));
        threads.execute(() -> {
            copy(started.getInputStream(), out);
            int code = waitFor(started);
            try {
                stderr.get();
            } catch (Exception e) {
                // the copy already ended; nothing more to send
            }
            finished = true;
            exit.onExit(code);
        });
    }

    @Override
    public void destroy(ChannelSession channel) {
        Process p = process;
        if (p != null && !finished) {
            LOG.debug("Embedded host [{}] kills [{}]: its channel closed before it finished.", boot.host(), command);
            boot.processes().killCommand(p, tag);
        }
    }

    private void feedStdin(Process p) {
        byte[] buffer = new byte[32 * 1024];
        try (OutputStream stdin = p.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                stdin.write(buffer, 0, n);
                stdin.flush();
            }
        } catch (IOException e) {
            // the process stopped reading or the channel closed: either way stdin is done
        }
    }

    private static void copy(InputStream from, OutputStream to) {
        byte[] buffer = new byte[32 * 1024];
        boolean sending = true;
        try (from) {
            int n;
            while ((n = from.read(buffer)) >= 0) {
                if (sending) {
                    try {
                        to.write(buffer, 0, n);
                        to.flush();
                    } catch (IOException e) {
                        sending = false; // the channel is gone; keep draining so the process is not blocked
                    }
                }
            }
        } catch (IOException e) {
            // the process's pipe closed
        }
    }

    private static int waitFor(Process p) {
        while (true) {
            try {
                return p.waitFor();
            } catch (InterruptedException e) {
                // the thread pool is shutting down: the host is closing and kills the process
                p.destroyForcibly();
            }
        }
    }
}
