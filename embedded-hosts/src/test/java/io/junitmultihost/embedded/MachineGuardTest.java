package io.junitmultihost.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The guard only reads command lines: nothing here runs them. */
class MachineGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "/sbin/reboot", "/usr/sbin/reboot -f", "sudo reboot", "sudo -n poweroff", "sudo -u root shutdown -h now", "doas halt",
        "sudo systemctl reboot", "/usr/bin/systemctl poweroff", "systemctl start reboot.target", "systemctl isolate poweroff.target",
        "sudo systemctl --no-block start halt.target", "systemctl start kexec.target", "kill -1", "kill -9 -1", "kill -- -1",
        "kill -s KILL -1", "kill -TERM -1", "/bin/kill -9 -1", "kill 1", "sudo kill -HUP 1", "poweroff -f || /sbin/poweroff",
        "halt; /sbin/halt", "shutdown -r now && /usr/sbin/shutdown -r now", "init 0", "init 6", "/sbin/init 6", "telinit 6",
        "telinit q", "echo b > /proc/sysrq-trigger", "echo c >/proc/sysrq-trigger", "printf o | tee /proc/sysrq-trigger",
        "echo mem > /sys/power/state", "sh -c '/sbin/reboot'", "bash -c \"kill -9 -1\"", "su -c 'reboot -f' root",
        "env FOO=1 /sbin/reboot", "nohup /sbin/reboot &", "x=1 sudo reboot", "(sleep 1; /sbin/reboot) &", "echo $(/sbin/reboot)",
        "true && `/sbin/halt`", "killall5 -9", "busybox reboot", "kexec -e", "timeout 5 /sbin/reboot", "exec /sbin/reboot",
        "sudo -i reboot", "if true; then /sbin/reboot; fi", "ls\n/sbin/reboot"
    })
    void commandsThatReachTheMachinesPowerOrEveryProcessAreRefused(String command) {
        assertThat(MachineGuard.refusal(command)).as(command).isPresent();
        assertThat(MachineGuard.refusal(command).get()).contains("host.reboot()");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "reboot", "poweroff", "halt", "shutdown -r now", "shutdown -h +1", "systemctl reboot", "systemctl poweroff", "systemctl status ssh",
        "kill -1 1234", "kill -TERM -- -4321", "kill -0 $pid", "kill %1", "kill -9 1234 5678", "grep -c marker /usr/sbin/reboot",
        "echo reboot", "cat /proc/cmdline", "ls -l /sbin/init /sbin/reboot", "echo 'kill -9 -1' > notes.txt", "test -x /sbin/halt",
        "sh -c 'reboot'", "nohup sleep 60 > /dev/null 2>&1 &", "sudo apt-get install -y curl", "echo done # /sbin/reboot",
        "java -Dx=/sbin/reboot -version", "systemctl start nginx.service"
    })
    void ordinaryCommandsAndTheHostsOwnPowerShimsPass(String command) {
        assertThat(MachineGuard.refusal(command)).as(command).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sudo reboot", "kill -9 -1", "echo c > /proc/sysrq-trigger"})
    void aRefusalNamesTheCommandAndSaysWhyAndWhatToDoInstead(String command) {
        String message = MachineGuard.refusal(command).orElseThrow();
        assertThat(message).contains("[" + command + "]").contains("this machine").contains("host.reboot()");
    }
}
