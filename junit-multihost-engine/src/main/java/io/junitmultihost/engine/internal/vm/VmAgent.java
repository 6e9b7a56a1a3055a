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
 * test JVM), runs the invocations it is sent on threads of its own, and its init tasks, close tasks
 * and disconnect hook when told. It exits by itself when it has not heard from the controller for
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
        String id = required("multihost.vm.id");
        long pid = ProcessHandle.current().pid();
        VmInfo self = new VmInfo(id, required("multihost.vm.name"), required("multihost.vm.host"),
                System.getProperty("multihost.vm.role", ""), pid);
        String token = Files.readString(Path.of(required("multihost.vm.token-file"))).strip();
        String hello = token + "\n" + id + "\n" + required("multihost.vm.nonce") + "\n" + pid;
        VmAgent agent = new VmAgent(self, Integer.parseInt(required("multihost.vm.port")), hello,
                Long.parseLong(System.getProperty("multihost.vm.lease-ms", "10000")));
        VmContext.install(self, agent.vms);
        agent.log("started, pid " + pid);
        agent.run();
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
            case DUMP -> send(Frame.text(Frame.Type.DUMPED, frame.call(), dump(running.get(Long.parseLong(frame.text())))));
            case INIT -> workers.execute(() -> runTasks(frame));
            case STOP, END -> {
                Thread stopper = new Thread(() -> stop(frame), "multihost-vm-stop");
                stopper.setDaemon(true);
                stopper.start();
            }
            case RESULT, FAILURE, DONE -> vms.answer(frame);
            default -> log("unexpected frame " + frame.type() + " ignored");
        }
    }

    private void invoke(Frame frame) {
        invocations.register();
        workers.execute(() -> {
            running.put(frame.call(), Thread.currentThread());
            try {
                Object code = Serial.value(frame.payload(), VmAgent.class.getClassLoader());
                Object result = code instanceof SerializableCallable<?> callable ? callable.call() : runnable(code);
                send(new Frame(Frame.Type.RESULT, frame.call(), Serial.bytes(result)));
            } catch (Throwable failure) {
                fail(frame.call(), failure);
            } finally {
                running.remove(frame.call());
                Thread.interrupted();
                invocations.arriveAndDeregister();
            }
        });
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
        try {
            send(new Frame(Frame.Type.FAILURE, call, Serial.bytes(failure)));
        } catch (NotSerializableException notSerializable) {
            send(Frame.text(Frame.Type.FAILURE, call, Serial.describe(failure)));
        }
    }

    private void send(Frame frame) {
        DataOutputStream current = out;
        if (current == null) {
            log("could not send " + frame.type() + ": not connected");
            return;
        }
        synchronized (this) {
            try {
                frame.writeTo(current);
            } catch (IOException e) {
                log("could not send " + frame.type() + ": " + e.getMessage());
            }
        }
    }

    private static String dump(Thread invoking) {
        StringBuilder text = new StringBuilder();
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
