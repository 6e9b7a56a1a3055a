package io.junitmultihost.engine.internal.vm;

import io.junitmultihost.api.DynamicActionException;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostProcess;
import io.junitmultihost.api.SerializableCallable;
import io.junitmultihost.api.SerializableRunnable;
import io.junitmultihost.api.StartMode;
import io.junitmultihost.api.Vm;
import io.junitmultihost.api.VmInfo;
import io.junitmultihost.api.VmInvocationException;
import io.junitmultihost.api.VmOptions;
import java.io.IOException;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One logical remote JVM: its id, name and options for good, and what its current start has. */
final class RemoteVm implements Vm {

    /** How many of its log's last lines a late invocation's message shows. */
    private static final int LOG_LINES = 10;

    enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED, DISCONNECTED }

    final String id;
    final String name;
    final Host host;
    final String role;
    final VmOptions options;
    final HostSetup setup;
    private final Duration invokeDeadline;

    volatile State state = State.NEW;
    volatile VmConnection connection;
    /** The direct connections for invocations (multihost.vm.direct), or null. */
    volatile DirectCalls fast;
    volatile int directPort;
    volatile HostProcess process;
    volatile HostProcess logTail;
    volatile long pid = -1;
    /** The PID of its last start, kept while it is stopped, for events. */
    volatile long lastPid = -1;
    volatile String logFile = "";
    volatile String nonce = "";
    volatile CompletableFuture<VmConnection> hello = new CompletableFuture<>();
    volatile boolean never;
    /** The JVM made ready for its next start (multihost.vm.spares), or null. */
    volatile SpareJvm spare;
    /** Why the current stop happens, for calls that fail meanwhile; null when no stop was asked for. */
    volatile String stopping;
    /** The dynamic action this VM is the target of, or null. */
    String targetOf;
    /** Whether this VM is choosing the target of an action it asked for. */
    boolean initiating;

    RemoteVm(String id, String name, Host host, String role, VmOptions options, HostSetup setup,
            Duration invokeDeadline) {
        this.id = id;
        this.name = name;
        this.host = host;
        this.role = role;
        this.options = options;
        this.setup = setup;
        this.invokeDeadline = invokeDeadline;
    }

    @Override
    public VmInfo info() {
        return new VmInfo(id, name, host.name(), role, pid);
    }

    @Override
    public Host host() {
        return host;
    }

    @Override
    public boolean isRunning() {
        return state == State.RUNNING;
    }

    @Override
    public String logFile() {
        return logFile;
    }

    @Override
    public <T> T invoke(SerializableCallable<T> code) {
        return invoke(code, invokeDeadline);
    }

    @Override
    public void run(SerializableRunnable code) {
        call(code, invokeDeadline, code.getClass().getClassLoader());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T invoke(SerializableCallable<T> code, Duration deadline) {
        return (T) call(code, deadline, code.getClass().getClassLoader());
    }

    @Override
    public <T> CompletableFuture<T> invokeAsync(SerializableCallable<T> code, Duration deadline) {
        return CompletableFuture.supplyAsync(() -> invoke(code, deadline), VmMaster.ASYNC);
    }

    private Object call(Object code, Duration deadline, ClassLoader loader) {
        VmConnection current = connection;
        DirectCalls direct = fast;
        if (state != State.RUNNING || current == null) {
            throw new DynamicActionException("VM " + info() + " takes no invocation: it is " + describeState() + ".");
        }
        byte[] payload;
        try {
            payload = Serial.bytes(code);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("The code for VM [" + id + "] does not serialize: [" + e.getMessage()
                    + "]. Capture only serializable values in the lambda.", e);
        }
        if (direct != null && direct.isOpen()) {
            return callDirect(direct, current, payload, deadline, loader);
        }
        CompletableFuture<Frame> answer = current.call(Frame.Type.INVOKE, payload);
        Duration margin = dumpMargin(deadline);
        Frame frame;
        CompletableFuture<String> dump = null;
        try {
            try {
                frame = answer.get(deadline.minus(margin).toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException nearlyLate) {
                dump = askDump(current, current.lastCallOf(answer));
                frame = answer.get(margin.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            throw new VmInvocationException("The invocation in VM " + info() + " did not finish within ["
                    + deadline.toMillis() + " ms]; it was left running there.\n" + dumpText(dump, margin) + lastLogLines());
        } catch (ExecutionException | CompletionException e) {
            throw new VmInvocationException("VM " + info() + " ended while running the invocation: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmInvocationException("Interrupted while waiting for an invocation in VM " + info() + ".");
        }
        return decode(frame, loader);
    }

    private Object callDirect(DirectCalls direct, VmConnection control, byte[] payload, Duration deadline,
            ClassLoader loader) {
        Duration margin = dumpMargin(deadline);
        java.util.concurrent.atomic.AtomicReference<CompletableFuture<String>> dump =
                new java.util.concurrent.atomic.AtomicReference<>();
        try {
            return decode(direct.call(payload, deadline, margin, call -> dump.set(askDump(connection, call))), loader);
        } catch (DirectCalls.TimedOut e) {
            throw new VmInvocationException("The invocation in VM " + info() + " did not finish within ["
                    + deadline.toMillis() + " ms]; it was left running there.\n" + dumpText(dump.get(), margin)
                    + lastLogLines());
        } catch (java.io.IOException e) {
            String stop = stopping;
            if (stop != null) {
                // a stop ended it: say which, as the SSH path does
                DynamicActionException ended = new DynamicActionException("VM " + info() + " ended: it was stopped ("
                        + stop + ").");
                ended.addSuppressed(e);
                throw new VmInvocationException("VM " + info() + " ended while running the invocation: "
                        + ended.getMessage(), ended);
            }
            throw new VmInvocationException("VM " + info() + " ended while running the invocation, or its direct"
                    + " connection broke: " + e.getMessage(), e);
        }
    }

    /** Every thread of the running JVM, for a test past its deadline; says why when there is none. */
    String threadDump() {
        VmConnection current = connection;
        if (state != State.RUNNING || current == null) {
            return "(not running: it is " + describeState() + ")";
        }
        return dump(current, -1);
    }

    /**
     * How long before an invocation's deadline its thread dump is asked for, so that the dump comes
     * within the deadline: a fifth of it, at most a second.
     */
    static Duration dumpMargin(Duration deadline) {
        Duration fifth = deadline.dividedBy(5);
        return fifth.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : fifth;
    }

    /** Asks {@code current} (the JVM's connection now, maybe made again) for the dump of call {@code call}. */
    private static CompletableFuture<String> askDump(VmConnection current, long call) {
        if (current == null || !current.isOpen()) {
            return CompletableFuture.completedFuture("(no thread dump: the VM's connection is down)");
        }
        return current.call(Frame.Type.DUMP, Long.toString(call).getBytes(StandardCharsets.UTF_8)).thenApply(Frame::text);
    }

    /** The dump asked for, when it came in time. */
    /**
     * The last lines of this start's log as they arrived here (its log is followed as it grows), so
     * that a late invocation's message needs no further round trip to a host that may not answer.
     */
    private String lastLogLines() {
        HostProcess tail = logTail;
        if (tail == null) {
            return "";
        }
        List<HostProcess.Line> lines = tail.output();
        List<HostProcess.Line> last = lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size());
        if (last.isEmpty()) {
            return "\nIts log [" + logFile + "] is empty so far.";
        }
        StringBuilder text = new StringBuilder("\nLast lines of its log [" + logFile + "]:");
        for (HostProcess.Line line : last) {
            String shown = line.text();
            text.append("\n  ").append(shown.length() > 300 ? shown.substring(0, 300) + " ..." : shown);
        }
        return text.toString();
    }

    private static String dumpText(CompletableFuture<String> dump, Duration margin) {
        if (dump == null) {
            return "(no thread dump: none was asked for)";
        }
        try {
            return dump.getNow("(no thread dump: the VM did not answer within the last [" + margin.toMillis()
                    + " ms] of the deadline)");
        } catch (CompletionException e) {
            return "(no thread dump: " + e.getCause() + ")";
        }
    }

    private String dump(VmConnection current, long call) {
        try {
            Frame dumped = current.call(Frame.Type.DUMP, Long.toString(call).getBytes(StandardCharsets.UTF_8))
                    .get(5, TimeUnit.SECONDS);
            return dumped.text();
        } catch (Exception e) {
            return "(no thread dump: the VM did not answer within [5 s]: " + e + ")";
        }
    }

    private Object decode(Frame frame, ClassLoader loader) {
        try {
            Object value = Serial.value(frame.payload(), loader);
            if (frame.type() == Frame.Type.FAILURE) {
                Throwable remote = value instanceof Throwable t ? t : new RemoteFailure(String.valueOf(value));
                throw new VmInvocationException("The code invoked in VM " + info() + " threw [" + remote + "].",
                        remote);
            }
            return value;
        } catch (IOException | ClassNotFoundException e) {
            if (frame.type() == Frame.Type.FAILURE) {
                RemoteFailure remote = new RemoteFailure(frame.text());
                throw new VmInvocationException("The code invoked in VM " + info() + " threw (not serializable): "
                        + firstLine(frame.text()), remote);
            }
            throw new VmInvocationException("The result of the invocation in VM " + info() + " could not be read: ["
                    + e + "].", e);
        }
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    String describeState() {
        return switch (state) {
            case NEW, STARTING -> "starting";
            case RUNNING -> "running";
            case STOPPING -> "stopping (" + stopping + ")";
            case STOPPED -> "stopped" + (never ? " for good (start mode NEVER)" : "") + (stopping != null ? " ("
                    + stopping + ")" : "");
            case DISCONNECTED -> "stopped by NICE_DISCONNECT (its JVM stays up, pid " + pid + ")";
        };
    }

    StartMode restartMode() {
        return options.restartMode();
    }

    @Override
    public String toString() {
        return "Vm[" + info() + ", " + describeState() + "]";
    }

    /** A remote exception that did not serialize: its class, message and stack, as the remote JVM printed them. */
    static final class RemoteFailure extends RuntimeException {

        private static final long serialVersionUID = 1L;

        RemoteFailure(String printed) {
            super(printed.strip(), null, false, false);
        }
    }
}
