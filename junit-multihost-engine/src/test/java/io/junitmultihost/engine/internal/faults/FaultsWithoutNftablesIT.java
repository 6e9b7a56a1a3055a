package io.junitmultihost.engine.internal.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.Fault;
import io.junitmultihost.api.Faults;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.engine.internal.hosts.VmTestHosts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Hosts like an inventory's: one without nftables gets iptables chains of its own, and one with
 * neither says so. A lab host's {@code /usr} is its own, so hiding its {@code nft} (or
 * {@code iptables}) changes neither the other hosts nor this machine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultsWithoutNftablesIT {

    private static final Duration LONG = Duration.ofMinutes(2);

    private VmTestHosts lab;
    private Host a;
    private Host b;
    private Faults faults;

    @BeforeAll
    void startHosts() {
        lab = VmTestHosts.lab(FaultsWithoutNftablesIT.class, 2);
        a = lab.hosts().get(0);
        b = lab.hosts().get(1);
        faults = lab.faults();
        if (a.execShell("command -v iptables").exitCode() != 0) {
            throw new AssertionError("iptables is not installed on this machine (lab hosts share its /usr):"
                    + " scripts/install-prerequisites installs it");
        }
        a.execShell("mv /usr/sbin/nft /usr/sbin/nft.hidden-by-test").assertSuccess();
    }

    @AfterAll
    void stopHosts() {
        if (lab != null) {
            a.execShell("mv /usr/sbin/nft.hidden-by-test /usr/sbin/nft");
            lab.close();
        }
    }

    @Test
    void aHostWithoutNftablesGetsIptablesChainsOfItsOwnAndLosesThemExactly() {
        String before = iptablesRules(a);
        try (Fault partition = faults.partition(List.of(a), List.of(b), LONG);
                Fault loss = faults.loss(a, 10, LONG);
                Fault reset = faults.resetConnections(a, List.of(b), LONG)) {
            assertThat(reaches(a, b)).isFalse();
            assertThat(reaches(b, a)).isFalse();
            assertThat(a.exec("true").exitCode()).as("the test JVM still reaches it").isZero();
            assertThat(a.execShell("iptables -S").stdout()).contains("-N JMHF").contains("-j DROP")
                    .contains("--reject-with tcp-reset").contains("statistic");
        }
        assertThat(reaches(a, b)).isTrue();
        assertThat(iptablesRules(a)).isEqualTo(before);
    }

    @Test
    void aHostWithNeitherSaysWhichCannotBeUsedAndNothingIsImposed() {
        a.execShell("mv /usr/sbin/iptables /usr/sbin/iptables.hidden-by-test").assertSuccess();
        try {
            assertThatThrownBy(() -> faults.isolate(a, LONG)).isInstanceOf(MultiHostException.class)
                    .hasMessageContaining("Cannot impose a cut on host [" + a.name() + "]: neither nftables nor iptables is"
                            + " usable here (nft: ");
            assertThat(faults.active()).isEmpty();
        } finally {
            a.execShell("mv /usr/sbin/iptables.hidden-by-test /usr/sbin/iptables");
        }
    }

    /** The host's iptables rules ({@code -S}: no counters, no timestamps). */
    private static String iptablesRules(Host host) {
        return host.execShell("iptables -S; iptables -S -t nat 2>/dev/null").assertSuccess().stdout();
    }

    private static boolean reaches(Host from, Host to) {
        return from.exec(List.of("timeout", "1", "bash", "-c", "exec 3<>/dev/tcp/" + to.address() + "/22"), LONG)
                .exitCode() == 0;
    }
}
