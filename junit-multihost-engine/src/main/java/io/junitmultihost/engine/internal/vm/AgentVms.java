package io.junitmultihost.engine.internal.vm;

import io.junitmultihost.api.DynamicActionException;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.StartMode;
import io.junitmultihost.api.StopMode;
import io.junitmultihost.api.Vm;
import io.junitmultihost.api.VmInfo;
import io.junitmultihost.api.VmOptions;
import io.junitmultihost.api.VmTarget;
import io.junitmultihost.api.Vms;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * {@link Vms} inside a remote JVM: every dynamic action is sent to the controller, which carries it
 * out and answers. Launching and invoking are the test JVM's business and are refused here.
 */
final class AgentVms implements Vms {

    private final VmInfo self;
    private final Consumer<Frame> send;
    private final AtomicLong calls = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

    private record Pending(boolean async, CompletableFuture<Object> accepted, CompletableFuture<Object> done) {
    }

    AgentVms(VmInfo self, Consumer<Frame> send) {
        this.self = self;
        this.send = send;
    }

    /** An answer of the controller to one of our requests. */
    void answer(Frame frame) {
        Pending waiting = pending.get(frame.call());
        if (waiting == null) {
            return;
        }
        switch (frame.type()) {
            case RESULT -> {
                Object info = decode(frame);
                waiting.accepted.complete(info);
                if (!waiting.async) {
                    waiting.done.complete(info);
                    pending.remove(frame.call());
                }
            }
            case DONE -> {
                waiting.done.complete(waiting.accepted.getNow(self));
                pending.remove(frame.call());
            }
            default -> {
                RuntimeException failure = failure(frame);
                if (!waiting.accepted.completeExceptionally(failure)) {
                    waiting.done.completeExceptionally(failure);
                }
                waiting.done.completeExceptionally(failure);
                pending.remove(frame.call());
            }
        }
    }

    private static Object decode(Frame frame) {
        try {
            return Serial.value(frame.payload(), AgentVms.class.getClassLoader());
        } catch (Exception e) {
            throw new MultiHostException("Could not read the controller's answer: " + e, e);
        }
    }

    private static RuntimeException failure(Frame frame) {
        try {
            Object value = Serial.value(frame.payload(), AgentVms.class.getClassLoader());
            return value instanceof RuntimeException runtime ? runtime
                    : new DynamicActionException(String.valueOf(value));
        } catch (Exception notSerialized) {
            return new DynamicActionException(frame.text());
        }
    }

    private Pending ask(ActionRequest request) {
        long call = -calls.incrementAndGet(); // negative: never one of the controller's call ids
        Pending waiting = new Pending(request.async(), new CompletableFuture<>(), new CompletableFuture<>());
        pending.put(call, waiting);
        try {
            send.accept(new Frame(Frame.Type.ACTION, call, Serial.bytes(request)));
        } catch (java.io.NotSerializableException e) {
            pending.remove(call);
            throw new IllegalArgumentException("The action's target does not serialize: " + e.getMessage(), e);
        }
        return waiting;
    }

    private static Object await(CompletableFuture<Object> future) {
        try {
            return future.get(2 * Vms.DEFAULT_ACTION_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new DynamicActionException(
                    String.valueOf(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new DynamicActionException("The controller did not answer a dynamic action within ["
                    + 2 * Vms.DEFAULT_ACTION_SECONDS + " s].");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DynamicActionException("Interrupted while waiting for a dynamic action.", e);
        }
    }

    private VmInfo act(ActionRequest request) {
        return (VmInfo) await(ask(request).done);
    }

    private CompletableFuture<VmInfo> actAsync(ActionRequest request) {
        Pending waiting = ask(request);
        await(waiting.accepted); // refusals (no target available) are thrown here, at once
        return waiting.done.thenApply(VmInfo.class::cast);
    }

    @Override
    public VmInfo stop(String reason) {
        return stop(reason, StopMode.DEFAULT, StartMode.DEFAULT);
    }

    @Override
    public VmInfo stop(String reason, StopMode stopMode, StartMode startMode) {
        return act(ActionRequest.stop(reason, stopMode, startMode, null, false));
    }

    @Override
    public VmInfo stop(String reason, VmTarget target) {
        return stop(reason, StopMode.DEFAULT, StartMode.DEFAULT, target);
    }

    @Override
    public VmInfo stop(String reason, StopMode stopMode, StartMode startMode, VmTarget target) {
        return act(ActionRequest.stop(reason, stopMode, startMode, target, false));
    }

    @Override
    public CompletableFuture<VmInfo> stopAsync(String reason, StopMode stopMode, StartMode startMode,
            VmTarget target) {
        return actAsync(ActionRequest.stop(reason, stopMode, startMode, target, true));
    }

    @Override
    public VmInfo start(String reason, VmTarget target) {
        return act(ActionRequest.start(reason, target, false));
    }

    @Override
    public CompletableFuture<VmInfo> startAsync(String reason, VmTarget target) {
        return actAsync(ActionRequest.start(reason, target, true));
    }

    @Override
    public List<Vm> launch(Host host, int count, VmOptions options) {
        throw refused("launch");
    }

    @Override
    public List<Vm> launch(Collection<Host> hosts, int perHost, VmOptions options) {
        throw refused("launch");
    }

    @Override
    public List<Vm> all() {
        throw refused("all");
    }

    @Override
    public Vm vm(String id) {
        throw refused("vm");
    }

    @Override
    public List<String> vmIds() {
        return ids(false);
    }

    @Override
    public List<String> otherVmIds() {
        return ids(true);
    }

    @SuppressWarnings("unchecked")
    private List<String> ids(boolean others) {
        List<String> all = (List<String>) await(ask(ActionRequest.query(ActionRequest.Kind.IDS, null)).done);
        return others ? all.stream().filter(id -> !id.equals(self.id())).toList() : all;
    }

    @Override
    public long pid(String id) {
        return (Long) await(ask(ActionRequest.query(ActionRequest.Kind.PID, id)).done);
    }

    private static UnsupportedOperationException refused(String what) {
        return new UnsupportedOperationException("Vms." + what + " is for the test JVM; inside a remote JVM only"
                + " dynamic actions (stop, start), vmIds, otherVmIds and pid are available.");
    }
}
