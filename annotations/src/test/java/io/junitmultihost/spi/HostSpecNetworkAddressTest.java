package io.junitmultihost.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostSpecNetworkAddressTest {

    @Test
    void withoutOneTheNetworkAddressIsTheAddressSshConnectsTo() {
        assertThat(HostSpec.builder("h", "10.0.0.5").build().networkAddress()).isEqualTo("10.0.0.5");
    }

    @Test
    void aHostBehindAPortForwardKeepsItsOwnNetworkAddressThroughToBuilder() {
        HostSpec spec = HostSpec.builder("qemu-1", "127.0.0.1").port(2222).networkAddress("10.0.3.11").build();
        assertThat(spec.address()).isEqualTo("127.0.0.1");
        assertThat(spec.networkAddress()).isEqualTo("10.0.3.11");
        assertThat(spec.toBuilder().build().networkAddress()).isEqualTo("10.0.3.11");
    }

    @Test
    void aBlankNetworkAddressIsRefusedNamingTheHost() {
        assertThatThrownBy(() -> HostSpec.builder("h", "127.0.0.1").networkAddress(" ").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("network address of host [h]");
    }
}
