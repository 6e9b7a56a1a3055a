package io.junitmultihost.engine.internal.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FilterRuleTest {

    @Test
    void aDropOfPeersLetsLoopbackThroughAndNamesEachFamilyOnce() {
        FilterRule rule = new FilterRule(true, List.of("10.0.0.2", "10.0.0.3", "fd00::2"), false, 100, false);

        assertThat(rule.nft()).containsExactly("iifname \"lo\" accept", "ip saddr { 10.0.0.2, 10.0.0.3 } drop",
                "ip6 saddr { fd00::2 } drop");
        assertThat(rule.fitsIptables()).isFalse();
    }

    @Test
    void lossThatSparesTheTestJvmAcceptsItsAddressFirst() {
        FilterRule rule = new FilterRule(false, List.of(), true, 30, false);

        assertThat(rule.nft()).containsExactly("oifname \"lo\" accept", "$CF daddr $C accept",
                "numgen random mod 100 < 30 drop");
        assertThat(rule.iptables("C")).containsExactly("-A C -o lo -j RETURN", "-A C -d $C -j RETURN",
                "-A C -m statistic --mode random --probability 0.30 -j DROP");
    }

    @Test
    void aResetLetsResetsThroughSoThatTheOneAnsweringAPacketCanLeave() {
        FilterRule rule = new FilterRule(false, List.of("10.0.0.2"), false, 100, true);

        assertThat(rule.nft()).contains("ip daddr { 10.0.0.2 } tcp flags & rst == 0 reject with tcp reset");
        assertThat(rule.iptables("C")).contains("-A C -d 10.0.0.2 -p tcp ! --tcp-flags RST RST -j REJECT --reject-with tcp-reset");
    }

    @Test
    void aShareOutsideOneToAHundredIsRefused() {
        assertThatThrownBy(() -> new FilterRule(true, List.of(), false, 0, false))
                .hasMessage("The share of packets must be 1 to 100, was [0].");
    }
}
