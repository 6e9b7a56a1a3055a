package io.junitmultihost.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.ConfigurationException;
import org.junit.jupiter.api.Test;

class SubnetTest {

    @Test
    void theMachineTakesTheFirstAddressAndHostsTheOnesAfterIt() {
        Subnet subnet = Subnet.parse("k", "10.253.77.0/24");
        assertThat(subnet.gateway()).isEqualTo("10.253.77.1");
        assertThat(subnet.address(1)).isEqualTo("10.253.77.2");
        assertThat(subnet.address(253)).isEqualTo("10.253.77.254");
        assertThat(subnet.capacity()).isEqualTo(253);
        assertThatThrownBy(() -> subnet.address(254)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subnetsOverlapWhenOneHoldsTheOther() {
        Subnet lab = Subnet.parse("k", "10.253.77.0/24");
        assertThat(lab.overlaps(Subnet.parse("k", "10.0.0.0/8"))).isTrue();
        assertThat(lab.overlaps(Subnet.parse("k", "10.253.78.0/24"))).isFalse();
        assertThat(lab.next(1)).hasToString("10.253.78.0/24");
    }

    @Test
    void aBadSubnetIsRejectedNamingTheKeyAndTheValue() {
        assertThatThrownBy(() -> Subnet.parse("multihost.lab.subnet", "10.1.2.3/24"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("use [10.1.2.0/24]");
        assertThatThrownBy(() -> Subnet.parse("multihost.lab.subnet", "lab"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("[multihost.lab.subnet]").hasMessageContaining("[lab]");
        assertThatThrownBy(() -> Subnet.parse("multihost.lab.subnet", "10.1.2.0/31")).isInstanceOf(ConfigurationException.class);
    }
}
