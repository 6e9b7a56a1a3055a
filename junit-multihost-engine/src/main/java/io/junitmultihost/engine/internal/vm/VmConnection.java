package io.junitmultihost.engine.internal.vm;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The controller's end of one start of a remote JVM: frames out under a lock, frames in on a reader
 * thread; each call waits for the answer with its id. When the connection ends, every waiting call
 * fails with the reason the owner gives.
 */
final class VmConnection implements AutoCloseable {

    private static final AtomicLong CALLS = new AtomicLong();

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Map<Long, CompletableFuture<Frame>> waiting = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    VmConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    }

    /** The peer's first frame, before it is known to hold the token: a small one only. */
    Frame readHello() throws IOException {
        return Frame.readFrom(in, 4096);
    }

    /**
     * Reads frames until the connection ends: answers complete their calls, {@code ACTION} frames
     * go to {@code actions}, and then {@code ended} runs once with why.
     */
    void startReading(String name, BiConsumer<VmConnection, Frame> actions, Consumer<String> ended) {
        Thread reader = new Thread(() -> {
            String why = "closed";
            try {
                while (true) {
                    Frame frame = Frame.readFrom(in);
                    if (frame.type() == Frame.Type.ACTION) {
                        actions.accept(this, frame);
                        continue;
                    }
                    CompletableFuture<Frame> call = waiting.remove(frame.call());
                    if (call != null) {
                        call.complete(frame);
                    }
                }
            } catch (IOException e) {
                why = e.getMessage();
            } finally {
                close();
                closed.complete(null);
                ended.accept(why);
            }
        }, "multihost-vm-reader-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Sends a frame of a new call and returns the future of its answer. */
    CompletableFuture<Frame> call(Frame.Type type, byte[] payload) {
        long id = CALLS.incrementAndGet();
        CompletableFuture<Frame> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        if (!send(new Frame(type, id, payload))) {
            waiting.remove(id);
            answer.completeExceptionally(new IOException("the connection to the VM is closed"));
        }
        return answer;
    }

    /** Sends {@code frame}; false when the connection is gone. */
    boolean send(Frame frame) {
        synchronized (out) {
            try {
                frame.writeTo(out);
                return true;
            } catch (IOException e) {
                close();
                return false;
            }
        }
    }

    /** The call id of {@code answer}, or -1 when it is no longer waiting. */
    long lastCallOf(CompletableFuture<Frame> answer) {
        return waiting.entrySet().stream().filter(e -> e.getValue() == answer).mapToLong(Map.Entry::getKey)
                .findFirst().orElse(-1);
    }

    /** Takes over the calls still waiting on {@code lost}, a connection of the same JVM that dropped. */
    void adoptWaiting(VmConnection lost) {
        waiting.putAll(lost.waiting);
        lost.waiting.keySet().removeAll(waiting.keySet());
    }

    /** Fails every waiting call with {@code failure}. */
    void failWaiting(RuntimeException failure) {
        waiting.values().forEach(call -> call.completeExceptionally(failure));
        waiting.clear();
    }

    CompletableFuture<Void> closedFuture() {
        return closed;
    }

    boolean isOpen() {
        return !socket.isClosed();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing what is closed
        }
    }
}
