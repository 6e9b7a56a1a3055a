package io.junitmultihost.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostProviderFactory;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.spi.ProviderConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The provider as the engine uses it: found by name, asked for hosts, closed. */
class EmbeddedHostProviderIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void theFactoryIsFoundByServiceLoaderAsEmbeddedAndItsHostsRunCommands() throws Exception {
        HostProviderFactory factory = ServiceLoader.load(HostProviderFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(f -> f.name().equals("embedded"))
                .findFirst().orElseThrow();
        assertThat(factory).isInstanceOf(EmbeddedHostProviderFactory.class);
        try (HostProvider provider = factory.create(new ProviderConfig(Map.of("multihost.embedded.max-hosts", "2")))) {
            List<HostSpec> hosts = provider.hosts("server", 1, Set.of(), DEADLINE);
            assertThat(hosts).singleElement().satisfies(spec -> {
                assertThat(spec.name()).isEqualTo("host-1");
                assertThat(spec.address()).isEqualTo("127.0.0.1");
                assertThat(spec.strictHostKeyChecking()).isTrue();
                assertThat(spec.control()).isPresent();
                assertThat(spec.canServe("server")).isTrue();
            });
            try (JschClient client = JschClient.connect(hosts.get(0))) {
                assertThat(client.exec("echo $MULTIHOST_HOST").stdout()).isEqualTo("host-1\n");
            }
        }
    }

    @Test
    void aHostThatCannotBootAgainFailsTheRequestNamingItRatherThanBeingLeftOutQuietly() throws Exception {
        try (EmbeddedHostProvider provider = new EmbeddedHostProvider(EmbeddedSettings.defaults())) {
            HostSpec host = provider.hosts("a", 1, Set.of(), DEADLINE).get(0);
            assertThat(provider.maxHosts()).isEqualTo(32);
            host.control().orElseThrow().powerOff();
            // Another program takes the port while the host is off: it cannot listen when it boots again.
            try (java.net.ServerSocket squatter = new java.net.ServerSocket(host.port(), 1,
                    java.net.InetAddress.getByName("127.0.0.1"))) {
                assertThatThrownBy(() -> provider.hosts("b", 1, Set.of(), DEADLINE))
                        .isInstanceOf(io.junitmultihost.api.HostUnavailableException.class)
                        .hasMessageStartingWith("Infrastructure: Embedded host [host-1] could not be booted for role [b]:"
                                + " [Infrastructure: Embedded host [host-1] could not listen on [127.0.0.1:" + host.port() + "]")
                        .hasMessageEndingWith("Stop what holds its port or files, and run again.");
            }
        }
    }

    @Test
    void handsOutDistinctHostsInOrderAndNeverOneThatIsBusy() {
        try (EmbeddedHostProvider provider = new EmbeddedHostProvider(EmbeddedSettings.defaults())) {
            List<HostSpec> first = provider.hosts("a", 2, Set.of(), DEADLINE);
            assertThat(names(first)).containsExactly("host-1", "host-2");
            List<HostSpec> second = provider.hosts("b", 2, Set.of("host-1", "host-2"), DEADLINE);
            assertThat(names(second)).containsExactly("host-3", "host-4");
            assertThat(provider.hosts("c", 1, Set.of("host-1", "host-3"), DEADLINE)).extracting(HostSpec::name).containsExactly("host-2");
            assertThat(provider.hosts("d", 4, Set.of(), DEADLINE)).extracting(HostSpec::name)
                    .containsExactly("host-1", "host-2", "host-3", "host-4");
            assertThat(provider.hosts("e", 0, Set.of(), DEADLINE)).isEmpty();
            Set<Integer> ports = provider.hosts("f", 4, Set.of(), DEADLINE).stream().map(HostSpec::port).collect(Collectors.toSet());
            assertThat(ports).hasSize(4);
        }
    }

    @Test
    void startsNoMoreThanMaxHostsAndReturnsFewerRatherThanFailing() {
        try (EmbeddedHostProvider provider = new EmbeddedHostProvider(EmbeddedSettings.defaults().withMaxHosts(3))) {
            assertThat(names(provider.hosts("a", 5, Set.of(), DEADLINE))).containsExactly("host-1", "host-2", "host-3");
            assertThat(provider.hosts("b", 1, Set.of("host-1", "host-2", "host-3"), DEADLINE)).isEmpty();
            assertThat(provider.started()).hasSize(3);
        }
    }

    @Test
    void anIdleHostThatWasLeftPoweredOffIsBootedBeforeItIsHandedOutAgain() throws Exception {
        try (EmbeddedHostProvider provider = new EmbeddedHostProvider(EmbeddedSettings.defaults())) {
            HostSpec spec = provider.hosts("a", 1, Set.of(), DEADLINE).get(0);
            spec.control().orElseThrow().powerOff();
            HostSpec again = provider.hosts("b", 1, Set.of(), DEADLINE).get(0);
            assertThat(again.name()).isEqualTo("host-1");
            try (JschClient client = JschClient.connect(again)) {
                assertThat(client.exec("true").exitCode()).isZero();
            }
        }
    }

    @Test
    void oneHostsKernelCommandLineCanBeConfigured() throws Exception {
        ProviderConfig config = new ProviderConfig(Map.of("multihost.embedded.cmdline.host-2", "root=/dev/special magic=1234"));
        try (HostProvider provider = new EmbeddedHostProviderFactory().create(config)) {
            List<HostSpec> hosts = provider.hosts("a", 2, Set.of(), DEADLINE);
            try (JschClient a = JschClient.connect(hosts.get(0)); JschClient b = JschClient.connect(hosts.get(1))) {
                assertThat(a.exec("cat /proc/cmdline").stdout()).endsWith("multihost.host=host-1\n");
                assertThat(b.exec("cat /proc/cmdline").stdout()).isEqualTo("root=/dev/special magic=1234\n");
            }
        }
    }

    @Test
    void closeKillsEveryProcessTheHostsStartedDeletesTheirDirectoriesAndCanBeRepeated() throws Exception {
        EmbeddedHostProvider provider = new EmbeddedHostProvider(EmbeddedSettings.defaults());
        List<HostSpec> hosts = provider.hosts("a", 2, Set.of(), DEADLINE);
        Path root = provider.root();
        long daemon;
        long escaped = -1;
        try (JschClient a = JschClient.connect(hosts.get(0)); JschClient b = JschClient.connect(hosts.get(1))) {
            daemon = Processes.machinePid(a.exec("nohup sleep 1000 > /dev/null 2>&1 & echo $!" + Processes.NAMESPACE).stdout());
            if (Platform.commandsGetOwnGroup()) {
                escaped = Processes.machinePid(b.exec("setsid sleep 1000 > /dev/null 2>&1 < /dev/null & echo $!" + Processes.NAMESPACE).stdout());
            }
            b.start("sleep 1000");
            assertThat(Processes.running(daemon)).isTrue();
            provider.close();
            assertThat(Processes.running(daemon)).isFalse();
            if (escaped > 0) {
                assertThat(Processes.running(escaped)).isFalse();
            }
        }
        assertThat(root).doesNotExist();
        assertThat(provider.started()).allMatch(h -> h.state() == EmbeddedHost.State.CLOSED);
        provider.close();
        assertThatThrownBy(() -> provider.hosts("b", 1, Set.of(), DEADLINE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The embedded host provider is closed; no hosts for role [b].");
        assertThat(new java.net.Socket()).satisfies(socket -> {
            try (socket) {
                assertThatThrownBy(() -> socket.connect(new java.net.InetSocketAddress("127.0.0.1", hosts.get(0).port()), 2000))
                        .isInstanceOf(java.net.ConnectException.class);
            }
        });
    }

    private static List<String> names(List<HostSpec> hosts) {
        return hosts.stream().map(HostSpec::name).toList();
    }
}
