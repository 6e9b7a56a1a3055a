package io.junitmultihost.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SafetyCheckTest {

    private static final String OUTPUT = "hostname=lab-1\nboot_id=b1\npid1=/bin/sh /run/x/junit-multihost-lab-init /run/x/hosts/lab-1 \n"
            + "pidns=pid:[4026532300]\nreboot=shim\nshutdown=shim\npoweroff=shim\nhalt=shim\nsystemctl=shim\n/proc/sysrq-trigger=ro,nosuid,nodev,noexec,relatime\n/sys/power/state=absent\n";

    @Test
    void aLabHostPasses() {
        assertThat(SafetyCheck.verify(SafetyCheck.parse(OUTPUT), "lab-1", "b1", "pid:[4026531836]")).isEmpty();
    }

    @Test
    void theMachineItselfIsRefused() {
        Map<String, String> machine = SafetyCheck.parse("hostname=lab-1\nboot_id=b1\npid1=/sbin/init\npidns=pid:[4026531836]\n"
                + "reboot=[/usr/sbin/reboot]\nshutdown=shim\npoweroff=shim\nhalt=shim\nsystemctl=shim\n");
        assertThat(SafetyCheck.verify(machine, "lab-1", "b1", "pid:[4026531836]")).containsExactly(
                "PID 1 is [/sbin/init], not the lab's init",
                "its PID namespace [pid:[4026531836]] is not its own (this machine's is [pid:[4026531836]])",
                "[reboot] resolves to [/usr/sbin/reboot], not the lab's shim",
                "[/proc/sysrq-trigger] is not mounted read-only (options []), so a write to it would reach this machine's kernel",
                "[/sys/power/state] is not mounted read-only (options []), so a write to it would reach this machine's kernel");
    }

    @Test
    void anotherHostOrAnOldBootIsRefused() {
        assertThat(SafetyCheck.verify(SafetyCheck.parse(OUTPUT), "lab-2", "b2", "pid:[1]")).containsExactly(
                "its hostname is [lab-1], not [lab-2]", "its boot id is [b1], not [b2]");
    }

    @Test
    void aHostWhoseSysrqTriggerIsWritableIsRefused() {
        Map<String, String> writable = SafetyCheck.parse(OUTPUT.replace("trigger=ro,", "trigger=rw,"));
        assertThat(SafetyCheck.verify(writable, "lab-1", "b1", "pid:[1]")).containsExactly(
                "[/proc/sysrq-trigger] is not mounted read-only (options [rw,nosuid,nodev,noexec,relatime]), so a write to it would reach"
                        + " this machine's kernel");
    }
}
