package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.Host;
import io.junitmultihost.spi.HostControl;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The lab's fault calls on a lab host handed out by the engine. The engine sees the lab only at
 * run time (it is a provider found by ServiceLoader), so the calls {@link HostControl} does not
 * carry ({@code crash}, {@code dropPackets}, ...) are made by name on the lab's {@code LabHost}.
 * Killing sshd is done from this machine, on the processes of the host's network namespace.
 */
final class LabControl {

    private final Host host;
    private final HostControl control;

    private LabControl(Host host, HostControl control) {
        this.host = host;
        this.control = control;
    }

    static LabControl of(Host host) {
        return new LabControl(host, ((RemoteHost) host).control().orElseThrow(
                () -> new IllegalStateException("Host [" + host.name() + "] is not a lab host.")));
    }

    String name() {
        return host.name();
    }

    void crash() {
        call("crash");
    }

    void powerOff() {
        control.powerOff();
    }

    void powerOn(Duration deadline) {
        call("powerOn", Duration.class, deadline);
    }

    void reboot(Duration deadline) {
        call("reboot", Duration.class, deadline);
    }

    void cutLink() {
        control.cutLink();
    }

    void dropPackets(int percent) {
        call("dropPackets", int.class, percent);
    }

    void limitBandwidth(long bitsPerSecond) {
        call("limitBandwidth", long.class, bitsPerSecond);
    }

    /** Lifts every fault but power. */
    void clearFaults() {
        call("clearFaults");
    }

    void awaitUp(Duration deadline) {
        call("awaitUp", Duration.class, deadline);
    }

    /** The lab's state of the host: BOOTING, UP, DOWN, OFF, FAILED or CLOSED. */
    String state() {
        return String.valueOf(call("state"));
    }

    /**
     * Runs {@code command} on the host with {@code /usr/bin/ssh} from this machine, apart from the
     * engine's connections; its output, or a failure.
     */
    String exec(String command, Duration deadline) {
        return (String) call("exec", String.class, command, Duration.class, deadline);
    }

    /** Kills every sshd process of the host with SIGKILL (the listener and each session's); its init starts sshd again. */
    List<Long> killSshd() {
        String namespace = host.labels().get("namespace");
        List<Long> killed = new ArrayList<>();
        for (String line : run("ip", "netns", "pids", namespace).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            long pid = Long.parseLong(line.strip());
            try {
                if (Files.readString(Path.of("/proc", Long.toString(pid), "comm"), StandardCharsets.UTF_8).strip().equals("sshd")) {
                    ProcessHandle.of(pid).ifPresent(p -> {
                        if (p.destroyForcibly()) {
                            killed.add(pid);
                        }
                    });
                }
            } catch (IOException gone) {
                // it ended between the listing and the look
            }
        }
        return killed;
    }

    private static String run(String... argv) {
        try {
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", argv) + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", argv) + " was interrupted", e);
        }
    }

    private Object call(String method, Object... typesAndArgs) {
        Class<?>[] types = new Class<?>[typesAndArgs.length / 2];
        Object[] args = new Object[typesAndArgs.length / 2];
        for (int i = 0; i < types.length; i++) {
            types[i] = (Class<?>) typesAndArgs[2 * i];
            args[i] = typesAndArgs[2 * i + 1];
        }
        try {
            Method m = control.getClass().getMethod(method, types);
            return m.invoke(control, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("The lab host of [" + host.name() + "] has no [" + method + "].", e);
        }
    }
}
