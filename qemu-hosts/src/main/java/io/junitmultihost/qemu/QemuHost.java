package io.junitmultihost.qemu;

import io.junitmultihost.spi.HostControl;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.spi.LinkControl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One virtual machine as the engine sees it: how to reach it (the port forward on 127.0.0.1, its
 * pinned host key), its power button and its NICs' cables.
 */
final class QemuHost implements HostControl {

    /** How long a power action without a deadline of its own may take. */
    private static final Duration POWER = Duration.ofMinutes(2);

    private final QemuVm vm;
    private final Path clientKey;
    private final String hostKey;
    private final Map<String, String> labels;
    private final QemuLinks links;

    QemuHost(QemuVm vm, Path clientKey, String hostKey, Map<String, String> labels) {
        this.vm = vm;
        this.clientKey = clientKey;
        this.hostKey = hostKey;
        this.labels = Map.copyOf(labels);
        this.links = new QemuLinks(vm);
    }

    String name() {
        return vm.name();
    }

    QemuVm vm() {
        return vm;
    }

    /** {@code [127.0.0.1]:<port> ssh-ed25519 AAAA...}: the host key, pinned. */
    String knownHostsLine() {
        return "[127.0.0.1]:" + vm.port() + " " + hostKey;
    }

    HostSpec spec() {
        return HostSpec.builder(vm.name(), "127.0.0.1")
                .port(vm.port())
                .networkAddress(vm.lanAddress())
                .user("root")
                .identityFile(clientKey)
                .knownHosts(List.of(knownHostsLine()))
                .strictHostKeyChecking(true)
                .labels(labels)
                .control(this)
                .build();
    }

    @Override
    public List<String> consoleTail(int lines) {
        return vm.consoleLines(lines);
    }

    /** Its NICs, pulled through QEMU's {@code set_link}. */
    @Override
    public Optional<LinkControl> linkControl() {
        return Optional.of(links);
    }

    @Override
    public void powerOff() {
        vm.powerOff(POWER);
    }

    @Override
    public void powerOn() {
        vm.powerOn(POWER);
    }

    /** Kills the machine's QEMU within {@code deadline}. */
    @Override
    public void powerOff(Duration deadline) {
        vm.powerOff(deadline);
    }

    /** Starts the machine and waits until its sshd answers, within {@code deadline}. */
    @Override
    public void powerOn(Duration deadline) {
        vm.powerOn(deadline);
    }

    @Override
    public String toString() {
        return "QemuHost[" + vm.name() + " 127.0.0.1:" + vm.port() + "]";
    }
}
