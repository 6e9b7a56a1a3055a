package io.junitmultihost.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.ProviderConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabOptionsTest {

    @Test
    void unsetParametersKeepTheDefaults() {
        LabOptions options = LabOptions.fromConfig(new ProviderConfig(Map.of()));
        assertThat(options.hosts()).isZero();
        assertThat(options.maxHosts()).isEqualTo(100);
        assertThat(options.subnet()).isEmpty();
        assertThat(options.bridge()).isEmpty();
        assertThat(options.downTime()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.downMode()).isEqualTo(DownMode.LINK);
        assertThat(options.bootTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.bootNiceness()).isEqualTo(5);
        assertThat(options.stateDir()).isEqualTo(Path.of("/run/junit-multihost-lab"));
        assertThat(options.cmdline("lab-1")).isEqualTo("BOOT_IMAGE=/boot/vmlinuz-lab root=/dev/lab ro quiet multihost.host=lab-1");
    }

    @Test
    void everyParameterIsRead() {
        LabOptions options = LabOptions.fromConfig(new ProviderConfig(Map.ofEntries(
                Map.entry("multihost.lab.hosts", "4"),
                Map.entry("multihost.lab.max-hosts", "20"),
                Map.entry("multihost.lab.subnet", "10.99.0.0/24"),
                Map.entry("multihost.lab.bridge", "labbr0"),
                Map.entry("multihost.lab.down-time", "500ms"),
                Map.entry("multihost.lab.down-mode", "Refuse"),
                Map.entry("multihost.lab.boot-timeout", "2m"),
                Map.entry("multihost.lab.boot-niceness", "0"),
                Map.entry("multihost.lab.state-dir", "/srv2/lab"),
                Map.entry("multihost.lab.cmdline", "ro quiet host={host}"),
                Map.entry("multihost.lab.cmdline.lab-2", "ro single"))));
        assertThat(options.hosts()).isEqualTo(4);
        assertThat(options.maxHosts()).isEqualTo(20);
        assertThat(options.subnet()).contains("10.99.0.0/24");
        assertThat(options.bridge()).contains("labbr0");
        assertThat(options.downTime()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.downMode()).isEqualTo(DownMode.REFUSE);
        assertThat(options.bootTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(options.bootNiceness()).isZero();
        assertThat(options.stateDir()).isEqualTo(Path.of("/srv2/lab"));
        assertThat(options.cmdline("lab-1")).isEqualTo("ro quiet host=lab-1");
        assertThat(options.cmdline("lab-2")).isEqualTo("ro single");
    }

    @Test
    void badParametersAreRejectedNamingTheKeyAndValue() {
        assertThatThrownBy(() -> LabOptions.fromConfig(new ProviderConfig(Map.of("multihost.lab.down-mode", "sideways"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Configuration parameter [multihost.lab.down-mode] must be link or refuse, was [sideways].");
        assertThatThrownBy(() -> LabOptions.fromConfig(new ProviderConfig(Map.of("multihost.lab.bridge", "a-bridge-name-too-long"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("[multihost.lab.bridge]");
        assertThatThrownBy(() -> LabOptions.fromConfig(new ProviderConfig(Map.of("multihost.lab.max-hosts", "300"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("holds [253] hosts");
        assertThatThrownBy(() -> LabOptions.fromConfig(new ProviderConfig(Map.of("multihost.lab.hosts", "5", "multihost.lab.max-hosts", "2"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("raise multihost.lab.max-hosts");
        assertThatThrownBy(() -> LabOptions.fromConfig(new ProviderConfig(Map.of("multihost.lab.boot-niceness", "20"))))
                .isInstanceOf(ConfigurationException.class).hasMessage("Configuration parameter [multihost.lab.boot-niceness]"
                        + " must be 0 to 19 (0: boots at the lab's own priority), was [20].");
        assertThatThrownBy(() -> LabOptions.fromConfig(new ProviderConfig(Map.of("multihost.lab.state-dir", "relative"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("absolute");
    }
}
