package io.junitmultihost.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostProviderFactory;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.spi.ProviderConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The lab through the SPI, as the engine uses it. */
class LabHostProviderFactoryIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @Test
    void theFactoryIsFoundByServiceLoaderUnderTheNameLab() {
        List<String> names = ServiceLoader.load(HostProviderFactory.class).stream()
                .map(p -> p.get().name()).collect(Collectors.toList());
        assertThat(names).contains("lab");
    }

    @Test
    void theProviderStartsHostsOnDemandSkipsBusyOnesAndHandsThemOutClean() {
        LabTestSupport.requireLab();
        HostProvider provider = new LabHostProviderFactory().create(new ProviderConfig(Map.of(
                LabHostProviderFactory.MAX_HOSTS, "3",
                LabHostProviderFactory.DOWN_TIME, "300ms")));
        LabHostProvider lab = (LabHostProvider) provider;
        String id;
        java.nio.file.Path dir;
        try {
            assertThat(lab.started()).as("nothing started before the first request").isEmpty();
            List<HostSpec> first = provider.hosts("db", 2, Set.of(), DEADLINE);
            assertThat(first).extracting(HostSpec::name).containsExactly("lab-1", "lab-2");
            id = lab.lab().id();
            dir = lab.lab().directory();
            for (HostSpec spec : first) {
                assertThat(spec.user()).isEqualTo("root");
                assertThat(spec.port()).isEqualTo(22);
                assertThat(spec.identityFile()).isPresent();
                assertThat(spec.knownHosts()).hasSize(1);
                assertThat(spec.strictHostKeyChecking()).isTrue();
                assertThat(spec.canServe("any role")).isTrue();
                assertThat(spec.control()).isPresent();
            }

            List<HostSpec> more = provider.hosts("web", 3, Set.of("lab-1", "lab-2"), DEADLINE);
            assertThat(more).extracting(HostSpec::name).as("at most max-hosts").containsExactly("lab-3");

            LabHost two = lab.lab().host("lab-2").orElseThrow();
            two.cutLink();
            two.limitBandwidth(1_000_000);
            first.get(0).control().orElseThrow().powerOff();
            List<HostSpec> again = provider.hosts("db", 2, Set.of("lab-3"), DEADLINE);
            assertThat(again).extracting(HostSpec::name).containsExactly("lab-1", "lab-2");
            for (LabHost host : lab.started().subList(0, 2)) {
                assertThat(host.state()).isEqualTo(LabHost.State.UP);
                assertThat(LabTestSupport.connect(host.address(), Duration.ofSeconds(5))).isEqualTo("connected");
            }
            assertThat(two.exec("tc qdisc show dev eth0", LabTestSupport.SSH)).doesNotContain("tbf");
        } finally {
            provider.close();
        }
        assertThat(LabTestSupport.remains(id, dir)).isEmpty();
    }
}
