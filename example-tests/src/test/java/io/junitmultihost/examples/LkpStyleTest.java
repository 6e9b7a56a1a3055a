package io.junitmultihost.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.MultiHostAfterAll;
import io.junitmultihost.api.MultiHostPart;
import io.junitmultihost.api.Role;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * lkp-tests' multi-machine flow: a server role runs its daemon, a client role a benchmark against
 * it, each side driven by a shell script of its own that meets the other through {@code mh-sync}
 * (write_state, wait_ready, wait_finish). Nothing is wired by hand: the engine makes the roles' hosts
 * the cluster and gives every command {@code MH_SYNC}, {@code node_roles} and {@code direct_ROLE_ips}.
 * When one side fails, the other's wait returns abort at once.
 */
@Role(name = "server")
@Role(name = "client")
class LkpStyleTest {

    private static final String JAVA = System.getProperty("java.home") + "/bin/java";
    private static final Duration SCRIPT = Duration.ofMinutes(4);

    @MultiHostPart(test = "echo-benchmark", role = "server", timeout = "5m")
    void server(Host self) {
        assertThat(serve(self)).contains("server: served until every client finished");
    }

    @MultiHostPart(test = "echo-benchmark", role = "client")
    void client(Host self) {
        assertThat(benchmark(self)).containsPattern("requests=200 seconds=[0-9.]+ per_second=[0-9]+");
    }

    /** Runs the server's script on its host (lkp's start_daemon); returns what it printed. */
    static String serve(Host self) {
        install(self, "programs/EchoServer.java", "EchoServer.java");
        install(self, "lkp/server.sh", "server.sh");
        return self.exec(Command.shell("sh server.sh").withEnv("JAVA", JAVA).withDeadline(SCRIPT)).assertSuccess()
                .stdout();
    }

    /** Runs the client's script on its host (lkp's run_test); returns what it printed, the benchmark's line among it. */
    static String benchmark(Host self) {
        install(self, "programs/EchoBench.java", "EchoBench.java");
        install(self, "lkp/client.sh", "client.sh");
        return self.exec(Command.shell("sh client.sh").withEnv("JAVA", JAVA).withDeadline(SCRIPT)).assertSuccess()
                .stdout();
    }

    /** The server script stops its daemon itself; this is for a run stopped half-way. */
    @MultiHostAfterAll
    void stopServer(@Role("server") Host server) {
        server.execShell("test -s lkp-echo.pid && kill $(cut -d' ' -f1 lkp-echo.pid) 2>/dev/null; rm -f lkp-echo.pid; true");
    }

    /** Writes a file shipped with this test into the host's home directory. */
    private static void install(Host host, String resource, String as) {
        host.exec(Command.of("tee", as).withStdin(resource(resource))).assertSuccess();
    }

    private static byte[] resource(String name) {
        try (InputStream in = LkpStyleTest.class.getResourceAsStream("/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read test resource [" + name + "]", e);
        }
    }
}
