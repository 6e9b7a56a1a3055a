package io.junitmultihost.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.Hosts;
import io.junitmultihost.api.MultiHostAfterAll;
import io.junitmultihost.api.MultiHostTest;
import io.junitmultihost.api.Role;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Two roles talking to each other: a server started on one host, a client on another reaching it
 * over the network. Both are tiny Java programs (any host that runs the tests has a JDK).
 */
@Hosts({
    @Role(name = "server", count = 1),
    @Role(name = "client", count = 1)
})
class ClientServerTest {

    private static final String JAVA = System.getProperty("java.home") + "/bin/java";

    @MultiHostTest
    void clientOnOneHostReachesServerOnAnother(@Role("server") Host server, @Role("client") Host client) {
        install(server, "EchoServer.java");
        install(client, "EchoClient.java");

        // The server runs in the background and writes "pid port" to a file once it listens (a JVM compiling
        // its source takes about 20 s in an emulated qemu guest, more on a loaded machine).
        server.execShell("rm -f echo.pid; nohup " + JAVA + " EchoServer.java echo.pid > echo.log 2>&1 &")
                .assertSuccess();
        String port = await("server on " + server.name() + " listening")
                .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> server.execShell("cat echo.pid 2>/dev/null").stdout().strip(), p -> !p.isEmpty())
                .split(" ")[1];

        String reply = client.exec(JAVA, "EchoClient.java", server.address(), port, "hello from " + client.name())
                .assertSuccess().stdout().strip();

        assertThat(reply).isEqualTo("echo: hello from " + client.name());
    }

    @MultiHostAfterAll
    void stopServer(@Role("server") Host server) {
        server.execShell("test -f echo.pid && kill $(cut -d' ' -f1 echo.pid) || true");
    }

    /** Writes a program shipped with this test into the host's home directory. */
    private static void install(Host host, String program) {
        host.exec(Command.of("tee", program).withStdin(resource(program))).assertSuccess();
    }

    private static byte[] resource(String name) {
        try (InputStream in = ClientServerTest.class.getResourceAsStream("/programs/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read test resource [" + name + "]", e);
        }
    }
}
