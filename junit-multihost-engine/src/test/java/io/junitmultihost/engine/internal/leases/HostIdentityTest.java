package io.junitmultihost.engine.internal.leases;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.spi.HostSpec;
import org.junit.jupiter.api.Test;

class HostIdentityTest {

    @Test
    void aHostIsItsUserAddressAndPortAndItsJumpHost() {
        assertThat(HostIdentity.of(HostSpec.builder("db1", "10.0.0.5").user("ci").port(2222).build()))
                .isEqualTo("ci@10.0.0.5:2222");
        assertThat(HostIdentity.of(HostSpec.builder("web", "10.0.0.5").proxyJump("admin@bastion:2200").build()))
                .isEqualTo("root@10.0.0.5:22 via admin@bastion:2200");
    }

    @Test
    void namesKeepOnlySafeCharactersAsTheyAre() {
        assertThat(HostIdentity.name("ci@10.0.0.5:2222")).isEqualTo("ci@10.0.0.5%3A2222");
        assertThat(HostIdentity.name("root@fe80::1%eth0:22 via a/b")).isEqualTo("root@fe80%3A%3A1%25eth0%3A22%20via%20a%2Fb");
        assertThat(HostIdentity.name("..@x:22")).isEqualTo("%2E.@x%3A22");
        assertThat(HostIdentity.name("é@x:22")).isEqualTo("%C3%A9@x%3A22");
    }

    @Test
    void longNamesAreCutAndStayUnique() {
        String a = HostIdentity.name("ci@" + "a".repeat(300) + ".example.com:22");
        String b = HostIdentity.name("ci@" + "a".repeat(300) + ".example.org:22");
        assertThat(a).hasSize(120).isNotEqualTo(b);
        assertThat(b).hasSize(120).matches("[A-Za-z0-9._@%-]+");
    }
}
