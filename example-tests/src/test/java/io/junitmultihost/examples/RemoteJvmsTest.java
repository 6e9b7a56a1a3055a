package io.junitmultihost.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.Hosts;
import io.junitmultihost.api.MultiHostTest;
import io.junitmultihost.api.Role;
import io.junitmultihost.api.RunMode;
import io.junitmultihost.api.StartMode;
import io.junitmultihost.api.StopMode;
import io.junitmultihost.api.Vm;
import io.junitmultihost.api.VmOptions;
import io.junitmultihost.api.VmTarget;
import io.junitmultihost.api.Vms;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Remote JVMs the GemFire Hydra way: a counter service in a JVM on the server host, a worker JVM on
 * each client host calling it over the network, and one worker killed with kill -9 and restarted at
 * once while the other keeps going. The code of all three JVMs is this class: the engine starts
 * them with the test's own classpath.
 */
@Hosts({
    @Role(name = "server", count = 1),
    @Role(name = "client", count = 2)
})
class RemoteJvmsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @MultiHostTest
    void workersKeepGoingWhileOneIsKilledAndRestarted(@Role("server") Host server, @Role("client") List<Host> clients,
            Vms vms) {
        Vm counter = vms.launch(server, 1, VmOptions.named("counter").withInitTask(RunMode.ONCE, Counter::start))
                .get(0);
        String address = server.address() + ":" + counter.invoke(Counter::port);
        List<Vm> workers = vms.launch(clients, 1, VmOptions.named("worker").withSystemProperty("counter", address)
                .withInitTask(RunMode.ALWAYS, Worker::start));
        Vm victim = workers.get(0);
        Vm survivor = workers.get(1);
        long victimPid = victim.pid();
        await().atMost(WAIT).until(() -> victim.invoke(Worker::calls) >= 10 && survivor.invoke(Worker::calls) >= 10);

        vms.stop("chaos", StopMode.MEAN_KILL, StartMode.IMMEDIATE, VmTarget.id(victim.id()));   // kill -9, restart at once
        long survivorAtKill = survivor.invoke(Worker::calls);

        await().atMost(WAIT).until(() -> victim.isRunning() && victim.invoke(Worker::calls) >= 10);
        assertThat(victim.pid()).as("a new JVM, same logical id").isNotEqualTo(victimPid);
        assertThat(survivor.invoke(Worker::calls)).as("the other worker kept going").isGreaterThan(survivorAtKill);
        assertThat(survivor.invoke(Worker::failures)).isZero();
        assertThat(counter.invoke(Counter::count)).isGreaterThanOrEqualTo(survivorAtKill + 10);
    }

    /** A TCP service in the counter JVM: each line read is answered with the number of lines so far. */
    static final class Counter {

        private static final AtomicLong COUNT = new AtomicLong();
        private static volatile ServerSocket socket;

        static void start() throws IOException {
            socket = new ServerSocket();
            socket.bind(new InetSocketAddress(0));
            Thread accept = new Thread(() -> {
                while (true) {
                    try {
                        Socket client = socket.accept();
                        new Thread(() -> serve(client)).start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            accept.setDaemon(true);
            accept.start();
        }

        private static void serve(Socket client) {
            try (client; BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.UTF_8)); PrintWriter out = new PrintWriter(client.getOutputStream(), true)) {
                while (in.readLine() != null) {
                    out.println(COUNT.incrementAndGet());
                }
            } catch (IOException e) {
                // the worker went away (perhaps killed): its connection ends with it
            }
        }

        static int port() {
            return socket.getLocalPort();
        }

        static long count() {
            return COUNT.get();
        }
    }

    /** A loop in each worker JVM calling the counter service, counting its calls and failures. */
    static final class Worker {

        private static final AtomicLong CALLS = new AtomicLong();
        private static final AtomicLong FAILURES = new AtomicLong();

        static void start() {
            String[] target = System.getProperty("counter").split(":");
            Thread loop = new Thread(() -> {
                try (Socket socket = new Socket(target[0], Integer.parseInt(target[1]));
                        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                                StandardCharsets.UTF_8));
                        PrintWriter out = new PrintWriter(socket.getOutputStream(), true)) {
                    while (true) {
                        out.println("inc");
                        if (in.readLine() == null) {
                            FAILURES.incrementAndGet();
                            return;
                        }
                        CALLS.incrementAndGet();
                        Thread.sleep(20);
                    }
                } catch (IOException | InterruptedException e) {
                    FAILURES.incrementAndGet();
                }
            });
            loop.setDaemon(true);
            loop.start();
        }

        static long calls() {
            return CALLS.get();
        }

        static long failures() {
            return FAILURES.get();
        }
    }
}
