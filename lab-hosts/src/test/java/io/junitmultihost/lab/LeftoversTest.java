package io.junitmultihost.lab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeftoversTest {

    @Test
    void namesMadeByALabGiveItsId() {
        assertThat(Leftovers.labIdOf("mhl-ab12-lab-3")).contains("ab12");
        assertThat(Leftovers.labIdOf("mhl-ab12-17")).contains("ab12");
        assertThat(Leftovers.labIdOf("mhl-ab12")).contains("ab12");
        assertThat(Leftovers.labIdOf("eth0")).isEmpty();
        assertThat(Leftovers.labIdOf("mhl-toolong-1")).isEmpty();
    }

    @Test
    void thisJvmIsAliveAndADeadOrReusedPidIsNot() {
        assertThat(Leftovers.alive(Leftovers.currentOwner())).isTrue();
        String[] owner = Leftovers.currentOwner().split(" ");
        assertThat(Leftovers.alive(owner[0] + " 1")).as("same pid, other start time").isFalse();
        assertThat(Leftovers.alive("999999999 1")).isFalse();
        assertThat(Leftovers.alive("garbage")).isFalse();
    }
}
