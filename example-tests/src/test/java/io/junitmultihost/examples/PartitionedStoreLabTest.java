package io.junitmultihost.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.Fault;
import io.junitmultihost.api.Faults;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostProcess;
import io.junitmultihost.api.MultiHostTest;
import io.junitmultihost.api.Role;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Jepsen's way, on three hosts: a small replicated store of ours ({@code ReplicatedStore.java},
 * which acknowledges a write only once a majority holds it), a client writing through every node,
 * one node partitioned from the others halfway through, and afterwards a check of what the store
 * promised: every acknowledged write is held by a majority, and the cut-off node refused to
 * acknowledge on its own. Needs hosts with their own network (lab, QEMU, inventory): run by
 * {@code ./mvnw verify} on lab hosts as root, not by the examples command on embedded hosts.
 */
@Role(name = "node", count = 3)
class PartitionedStoreLabTest {

    private static final String JAVA = System.getProperty("java.home") + "/bin/java";
    private static final int WRITES = 30;

    @MultiHostTest
    void acknowledgedWritesSurviveAPartitionOfOneNode(@Role("node") List<Host> nodes, Faults faults) throws Exception {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (Host node : nodes) {
            node.exec(Command.of("tee", "ReplicatedStore.java").withStdin(resource("ReplicatedStore.java"))).assertSuccess();
            // ended with the class, as everything it starts on its hosts
            HostProcess server = node.start(JAVA, "ReplicatedStore.java", node.address());
            String port = await("the store on " + node.name() + " listening").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> server.output().stream().map(HostProcess.Line::text).filter(l -> l.startsWith("listening "))
                            .findFirst().orElse(""), l -> !l.isEmpty())
                    .substring("listening ".length());
            addresses.add(new InetSocketAddress(node.address(), Integer.parseInt(port)));
        }
        for (InetSocketAddress node : addresses) {
            String peers = addresses.stream().filter(a -> !a.equals(node))
                    .map(a -> a.getHostString() + ":" + a.getPort()).collect(Collectors.joining(","));
            assertThat(request(node, "PEERS " + peers)).isEqualTo("OK");
        }

        // Writes go to the nodes in turn; during the middle third, the last node is cut from the other two
        // (the test JVM still reaches all three, as Jepsen's client does).
        Host cutOff = nodes.get(2);
        Map<String, String> acknowledged = new HashMap<>();
        Map<String, String> refusedWhileCut = new HashMap<>();
        Fault partition = null;
        for (int i = 0; i < WRITES; i++) {
            if (i == WRITES / 3) {
                partition = faults.partition(List.of(cutOff), nodes.subList(0, 2), Duration.ofMinutes(2));
            }
            if (i == 2 * WRITES / 3) {
                partition.close();
            }
            int target = i % nodes.size();
            String reply = request(addresses.get(target), "PUT key-" + i + " value-" + i);
            if (reply.equals("OK")) {
                acknowledged.put("key-" + i, nodes.get(target).name());
            } else if (partition != null && partition.isActive() && target == 2) {
                refusedWhileCut.put("key-" + i, reply);
            }
        }

        // What the store promised: a majority holds every acknowledged write.
        List<Set<String>> held = new ArrayList<>();
        for (InetSocketAddress node : addresses) {
            held.add(Set.of(request(node, "KEYS").split(" ")));
        }
        for (String key : acknowledged.keySet()) {
            long holders = held.stream().filter(keys -> keys.contains(key)).count();
            assertThat(holders).as("nodes holding acknowledged [%s] (written through %s)", key, acknowledged.get(key))
                    .isGreaterThanOrEqualTo(2);
        }
        assertThat(refusedWhileCut).as("the cut-off node refused to acknowledge alone").isNotEmpty()
                .allSatisfy((key, reply) -> assertThat(reply).startsWith("FAIL 1 of 3"));
        assertThat(acknowledged).as("the majority side kept acknowledging").hasSizeGreaterThan(WRITES / 2);
    }

    /** One request to a node, straight from the test JVM, with a deadline. */
    private static String request(InetSocketAddress node, String line) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(node, 5_000);
            socket.setSoTimeout(5_000);
            new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8).println(line);
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = PartitionedStoreLabTest.class.getResourceAsStream("/programs/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read test resource [" + name + "]", e);
        }
    }
}
