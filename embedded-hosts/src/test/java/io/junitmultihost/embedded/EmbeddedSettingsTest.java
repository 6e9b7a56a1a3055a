package io.junitmultihost.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.ProviderConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedSettingsTest {

    @Test
    void nothingConfiguredGivesTheDocumentedDefaults() {
        EmbeddedSettings settings = EmbeddedSettings.from(new ProviderConfig(Map.of()));
        assertThat(settings.maxHosts()).isEqualTo(32);
        assertThat(settings.rebootDownTime()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.cmdlineFor("host-3"))
                .isEqualTo("BOOT_IMAGE=/vmlinuz-embedded root=/dev/embedded ro quiet multihost.host=host-3");
    }

    @Test
    void keysAreReadWithTheirUnits() {
        EmbeddedSettings settings = EmbeddedSettings.from(new ProviderConfig(Map.of(
                "multihost.embedded.max-hosts", "5",
                "multihost.embedded.reboot-down-time", "250ms",
                "multihost.embedded.cmdline", "root=/dev/x name={host}",
                "multihost.embedded.cmdline.host-2", "root=/dev/y magic=7")));
        assertThat(settings.maxHosts()).isEqualTo(5);
        assertThat(settings.rebootDownTime()).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.cmdlineFor("host-1")).isEqualTo("root=/dev/x name=host-1");
        assertThat(settings.cmdlineFor("host-2")).isEqualTo("root=/dev/y magic=7");
    }

    @Test
    void badValuesAreErrorsNamingTheKeyAndValue() {
        assertThatThrownBy(() -> EmbeddedSettings.from(new ProviderConfig(Map.of("multihost.embedded.max-hosts", "0"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Configuration parameter [multihost.embedded.max-hosts] must be at least 1, was [0].");
        assertThatThrownBy(() -> EmbeddedSettings.from(new ProviderConfig(Map.of("multihost.embedded.reboot-down-time", "soon"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("[multihost.embedded.reboot-down-time]").hasMessageContaining("[soon]");
        assertThatThrownBy(() -> EmbeddedSettings.from(new ProviderConfig(Map.of("multihost.embedded.cmdline.host-1", "a\nb"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("[multihost.embedded.cmdline.host-1] must be one non-blank line");
    }
}
