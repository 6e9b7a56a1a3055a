package io.junitmultihost.qemu;

import io.junitmultihost.spi.ProviderConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** A test JVM that starts one QEMU host, prints its QEMU's pid and its session's directory, and hangs until it is killed. */
public final class StartAndHangMain {

    private StartAndHangMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        QemuHostProvider provider = (QemuHostProvider) new QemuHostProviderFactory()
                .create(new ProviderConfig(Map.of(QemuHostProviderFactory.MAX_HOSTS, "1")));
        provider.hosts("node", 1, Set.of(), Duration.ofMinutes(3));
        QemuVm vm = provider.started().get(0).vm();
        System.out.println("qemu-pid=" + vm.pid());
        System.out.println("session=" + provider.session());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
