package io.junitmultihost.lab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FaultRulesTest {

    @Test
    void noFaultsRemoveTheTable() {
        assertThat(FaultRules.NONE.script()).isEqualTo("table inet junit_multihost_lab\ndelete table inet junit_multihost_lab\n");
    }

    @Test
    void aCutLinkDropsEverythingButLoopbackBothWays() {
        String script = FaultRules.NONE.withLinkCut(true).script();
        assertThat(script).contains("hook input priority -300", "hook output priority -300", "iifname \"lo\" accept",
                "oifname \"lo\" accept", "    drop\n");
    }

    @Test
    void peersAndAShareOfPacketsAreDroppedAndClearingKeepsTheDownState() {
        FaultRules rules = FaultRules.NONE.withCutPeer("10.0.0.3", true).withCutPeer("10.0.0.2", true).withDropPercent(30).withDown(true);
        assertThat(rules.script()).contains("ip saddr { 10.0.0.2, 10.0.0.3 } drop", "ip daddr { 10.0.0.2, 10.0.0.3 } drop",
                "numgen random mod 100 < 30 drop");
        assertThat(rules.cleared()).isEqualTo(FaultRules.NONE.withDown(true));
        assertThat(FaultRules.NONE.withDropPercent(100).script()).doesNotContain("numgen").contains("    drop\n");
    }
}
