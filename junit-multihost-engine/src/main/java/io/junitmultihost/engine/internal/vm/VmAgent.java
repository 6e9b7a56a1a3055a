package io.junitmultihost.engine.internal.vm;

import io.junitmultihost.api.SerializableCallable;
import io.junitmultihost.api.SerializableRunnable;
import io.junitmultihost.api.VmContext;
import io.junitmultihost.api.VmInfo;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;

/**
 * The main class of a remote JVM: connects to the controller (through the host's SSH forward to the
 * test JVM), takes the controller's direct connections ({@link DirectLine}), runs the invocations it
 * is sent, and its init tasks, close tasks and disconnect hook when told. It exits by itself when it has not heard from the controller for
 * its lease ({@code multihost.vm.lease-ms}, 10 s), so no JVM outlives a test JVM that died.
 */
public final class VmAgent {

    private final VmInfo self;
    private final int port;
    private final String hello;
    private final long leaseMillis;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "multihost-vm-invocation");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<Long, Thread> running = new ConcurrentHashMap<>();
    private final Phaser invocations = new Phaser(1);
    private final AgentVms vms;
    private volatile DataOutputStream out;
    /** Answers to invocations that came over a connection to the controller that dropped before they were sent. */
    private final java.util.Queue<Frame> unsent = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile long lastHeard = System.nanoTime();

    private VmAgent(VmInfo self, int port, String hello, long leaseMillis) {
        this.self = self;
        this.port = port;
        this.hello = hello;
        this.leaseMillis = leaseMillis;
        this.vms = new AgentVms(self, this::send);
    }

    /** Started by the controller with system properties only; never by hand. */
    public static void main(String[] args) throws Exception {
        // serialization is slow the first time in a cold JVM: warm it up while the connection is made
        Thread warm = new Thread(VmAgent::warmUp, "multihost-vm-warm-up");
        warm.setDaemon(true);
        warm.start();
        String id = required("multihost.vm.id");
        long pid = ProcessHandle.current().pid();
        VmInfo self = new VmInfo(id, required("multihost.vm.name"), required("multihost.vm.host"),
                System.getProperty("multihost.vm.role", ""), pid);
        String token = Files.readString(Path.of(required("multihost.vm.token-file"))).strip();
        String directAddress = System.getProperty("multihost.vm.direct-address");
        ServerSocket direct = null;
        if (directAddress != null) {
            try {
                direct = new ServerSocket(0, 50, java.net.InetAddress.getByName(directAddress));
            } catch (IOException e) {
                System.err.println("multihost-vm: no direct connection, [" + directAddress + "] cannot be bound here: " + e);
            }
        }
        String hello = token + "\n" + id + "\n" + required("multihost.vm.nonce") + "\n" + pid + "\n"
                + (direct == null ? 0 : direct.getLocalPort());
        // the address the controller's SSH session came from: the only one a direct connection is taken from
        String sshClient = System.getenv("SSH_CONNECTION");
        java.net.InetAddress controller = sshClient == null || sshClient.isBlank() ? null
                : java.net.InetAddress.getByName(sshClient.strip().split(" ")[0]);
        VmAgent agent = new VmAgent(self, Integer.parseInt(required("multihost.vm.port")), hello,
                Long.parseLong(System.getProperty("multihost.vm.lease-ms", "10000")));
        if (direct != null) {
            agent.acceptDirect(direct, token, id, controller);
        }
        String syncEnv = System.getProperty("multihost.vm.sync-env");
        VmContext.install(self, agent.vms, syncEnv == null ? null
                : io.junitmultihost.engine.internal.sync.ParticipantSync.onHost(Path.of(syncEnv), self.name()));
        // a spare waits, connected and warmed up, until the controller makes it the VM's next start
        agent.log(Boolean.getBoolean("multihost.vm.spare") ? "ready as a spare, pid " + pid : "started, pid " + pid);
        agent.run();
    }

    /** Runs what the first invocation needs: framing, serialization of a lambda and of a list, and back. */
    static void warmUp() {
        try {
            SerializableCallable<VmInfo> probe = () -> new VmInfo("vm-0", "warm-up", "localhost", "", 0);
            java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
            DataOutputStream data = new DataOutputStream(buffer);
            new Frame(Frame.Type.INVOKE, 1, Serial.bytes(List.of(probe))).writeTo(data);
            Frame frame = Frame.readFrom(new DataInputStream(new java.io.ByteArrayInputStream(buffer.toByteArray())));
            @SuppressWarnings("unchecked")
            List<SerializableCallable<VmInfo>> back = (List<SerializableCallable<VmInfo>>) Serial.value(frame.payload(),
                    VmAgent.class.getClassLoader());
            Serial.bytes(back.get(0).call());
            Serial.describe(new IllegalStateException("warm-up"));
            DirectLine.warmUp();
        } catch (Exception e) {
            System.err.println("multihost-vm warm-up failed (harmless): " + e);
        }
    }

    private static String required(String key) {
        String value = System.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("System property [" + key + "] is missing: this class is started by"
                    + " junit-multihost's Vms only.");
        }
        return value;
    }

    private void run() throws InterruptedException {
        Thread watchdog = new Thread(this::watch, "multihost-vm-lease");
        watchdog.setDaemon(true);
        watchdog.start();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.setTcpNoDelay(true);
                DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
                out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
                send(Frame.text(Frame.Type.HELLO, 0, hello));
                lastHeard = System.nanoTime();
                flushUnsent();
                while (true) {
                    handle(Frame.readFrom(in));
                }
            } catch (IOException e) {
                log("connection to the controller lost (" + e.getMessage() + "); trying again until the lease ends");
                out = null;
                Thread.sleep(500);
            }
        }
    }

    /**
     * With {@code multihost.vm.direct}: the controller also connects straight to this JVM, for
     * invocations only, one call at a time per connection. A connection from another address than
     * {@code controller} (when known) is closed unread; the others must prove they hold the class's
     * token before anything of theirs is read ({@link DirectLine}), within the bounds of a
     * {@link GreetingGate}.
     */
    private void acceptDirect(ServerSocket direct, String token, String id, java.net.InetAddress controller) {
        byte[] key = token.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long[] refused = {0};
        GreetingGate greetings = new GreetingGate(this::log);
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    Socket socket = direct.accept();
                    if (controller != null && !controller.equals(socket.getInetAddress())) {
                        if (++refused[0] <= 5 || refused[0] % 1000 == 0) {
                            log("refused a direct connection from [" + socket.getInetAddress().getHostAddress()
                                    + "] (" + refused[0] + " so far): only the controller's address ["
                                    + controller.getHostAddress() + "], whence its SSH session came, may connect");
                        }
                        socket.close();
                        continue;
                    }
                    greetings.admit(socket);
                    Thread reader = new Thread(() -> serveDirect(socket, key, id, greetings), "multihost-vm-direct");
                    reader.setDaemon(true);
                    reader.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "multihost-vm-direct-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serveDirect(Socket socket, byte[] token, String id, GreetingGate greetings) {
        try (socket) {
            DirectLine line;
            try {
                socket.setTcpNoDelay(true);
                line = DirectLine.accept(socket, token, id);
            } catch (IOException e) {
                if (greetings.done(socket)) { // else the gate closed it, and logged why
                    log("a direct connection from [" + socket.getInetAddress().getHostAddress() + "] was closed unread: "
                            + e.getMessage());
                }
                return;
            }
            if (!greetings.done(socket)) {
                return; // proved itself just as the gate closed it
            }
            java.util.function.Consumer<Frame> replies = frame -> {
                synchronized (line) {
                    try {
                        line.write(frame);
                    } catch (IOException e) {
                        log("could not send " + frame.type() + " on a direct connection: " + e.getMessage());
                    }
                }
            };
            while (true) {
                Frame frame = line.read();
                lastHeard = System.nanoTime(); // while its SSH connection is down, the controller is heard here
                switch (frame.type()) {
                    case INVOKE -> {
                        // one call at a time per direct connection, run here as RMI does: no hand-over
                        invocations.register();
                        runInvocation(frame, replies);
                    }
                    case DUMP -> replies.accept(Frame.text(Frame.Type.DUMPED, frame.call(), dump(frame.text())));
                    case PING -> replies.accept(new Frame(Frame.Type.PING, frame.call(), new byte[0]));
                    default -> log("unexpected frame " + frame.type() + " on the direct connection ignored");
                }
            }
        } catch (IOException e) {
            // the controller closed it, or went away: the control connection decides what that means
        }
    }

    private void watch() {
        while (true) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
            long silentMillis = (System.nanoTime() - lastHeard) / 1_000_000;
            if (silentMillis > leaseMillis) {
                log("no word from the controller for " + silentMillis + " ms (lease " + leaseMillis
                        + " ms): it is gone, exiting");
                Runtime.getRuntime().halt(3);
            }
        }
    }

    private void handle(Frame frame) throws IOException {
        lastHeard = System.nanoTime();
        switch (frame.type()) {
            case PING -> send(new Frame(Frame.Type.PING, frame.call(), new byte[0]));
            case INVOKE -> invoke(frame);
            case DUMP -> send(Frame.text(Frame.Type.DUMPED, frame.call(), dump(frame.text())));
            case INIT -> workers.execute(() -> runTasks(frame));
            case STOP, END -> {
                Thread stopper = new Thread(() -> stop(frame), "multihost-vm-stop");
                stopper.setDaemon(true);
                stopper.start();
            }
            case RESULT, FAILURE, DONE -> vms.answer(frame);
            case PROMOTE -> {
                log("started, pid " + self.pid() + " (the spare made ready for this start)");
                send(Frame.text(Frame.Type.DONE, frame.call(), "promoted"));
            }
            default -> log("unexpected frame " + frame.type() + " ignored");
        }
    }

    private void invoke(Frame frame) {
        invocations.register();
        workers.execute(() -> runInvocation(frame, this::answer));
    }

    /**
     * Sends the answer of an invocation that came over the controller's SSH connection on the
     * current one: when that connection dropped meanwhile, the answer waits for the next.
     */
    private void answer(Frame frame) {
        unsent.add(frame);
        flushUnsent();
    }

    /** Sends the answers not sent yet on the current connection; when it broke, they wait for the next one. */
    private void flushUnsent() {
        while (true) {
            DataOutputStream target = out;
            if (target == null) {
                return;
            }
            boolean broken = false;
            synchronized (target) {
                Frame next;
                while (!broken && (next = unsent.poll()) != null) {
                    try {
                        next.writeTo(target);
                    } catch (IOException e) {
                        unsent.add(next);
                        broken = true;
                        log("the answer to call " + next.call() + " waits for the connection to the controller to be"
                                + " made again (" + e.getMessage() + ")");
                    }
                }
            }
            if (!broken || out == target) {
                return; // sent, or the next connection sends them once made
            }
        }
    }

    /** Runs one invocation on the calling thread and answers it; registered with {@link #invocations} by the caller. */
    private void runInvocation(Frame frame, java.util.function.Consumer<Frame> replies) {
        running.put(frame.call(), Thread.currentThread());
        try {
            Object code = Serial.value(frame.payload(), VmAgent.class.getClassLoader());
            Object result = code instanceof SerializableCallable<?> callable ? callable.call() : runnable(code);
            replies.accept(new Frame(Frame.Type.RESULT, frame.call(), Serial.bytes(result)));
        } catch (Throwable failure) {
            fail(frame.call(), failure, replies);
        } finally {
            running.remove(frame.call());
            Thread.interrupted();
            invocations.arriveAndDeregister();
        }
    }

    private static Object runnable(Object code) throws Exception {
        ((SerializableRunnable) code).run();
        return null;
    }

    private void runTasks(Frame frame) {
        try {
            @SuppressWarnings("unchecked")
            List<SerializableRunnable> tasks = (List<SerializableRunnable>) Serial.value(frame.payload(),
                    VmAgent.class.getClassLoader());
            for (SerializableRunnable task : tasks) {
                task.run();
            }
            send(Frame.text(Frame.Type.DONE, frame.call(), "init tasks: " + tasks.size()));
        } catch (Throwable failure) {
            fail(frame.call(), failure);
        }
    }

    private void stop(Frame frame) {
        try {
            StopOrder order = (StopOrder) Serial.value(frame.payload(), VmAgent.class.getClassLoader());
            log("stopping: waiting for " + (invocations.getRegisteredParties() - 1) + " invocations to finish");
            invocations.arriveAndAwaitAdvance();
            for (SerializableRunnable task : order.closeTasks()) {
                task.run();
            }
            if (order.disconnectHook() != null) {
                order.disconnectHook().run();
            }
            send(Frame.text(Frame.Type.DONE, frame.call(), "stopped"));
            if (!order.stayUp()) {
                log("exiting (" + frame.type() + ")");
                System.exit(0);
            }
        } catch (Throwable failure) {
            fail(frame.call(), failure);
            if (frame.type() == Frame.Type.END) {
                System.exit(1);
            }
        }
    }

    private void fail(long call, Throwable failure) {
        fail(call, failure, this::send);
    }

    private void fail(long call, Throwable failure, java.util.function.Consumer<Frame> replies) {
        try {
            replies.accept(new Frame(Frame.Type.FAILURE, call, Serial.bytes(failure)));
        } catch (NotSerializableException notSerializable) {
            replies.accept(Frame.text(Frame.Type.FAILURE, call, Serial.describe(failure)));
        }
    }

    private void send(Frame frame) {
        send(frame, out);
    }

    private void send(Frame frame, DataOutputStream target) {
        if (target == null) {
            log("could not send " + frame.type() + ": not connected");
            return;
        }
        synchronized (target) {
            try {
                frame.writeTo(target);
            } catch (IOException e) {
                log("could not send " + frame.type() + ": " + e.getMessage());
            }
        }
    }

    /** The dump asked for: of invocation {@code call} and every thread, or (a negative call) every thread only. */
    private String dump(String call) {
        long id = Long.parseLong(call);
        return id < 0 ? dump(null, false) : dump(running.get(id), true);
    }

    private static String dump(Thread invoking, boolean ofAnInvocation) {
        StringBuilder text = new StringBuilder();
        if (!ofAnInvocation) {
            text.append("Thread dump of the VM:\n");
            for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
                text.append(info);
            }
            return text.toString();
        }
        if (invoking != null) {
            text.append("The invocation's thread [").append(invoking.getName()).append("] (")
                    .append(invoking.getState()).append("):\n");
            for (StackTraceElement element : invoking.getStackTrace()) {
                text.append("\tat ").append(element).append('\n');
            }
        } else {
            text.append("The invocation no longer runs.\n");
        }
        text.append("\nThread dump of the VM:\n");
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            text.append(info);
        }
        return text.toString();
    }

    private void log(String message) {
        System.err.println(Instant.now() + " [multihost-vm " + self.id() + "] " + message);
    }
}
