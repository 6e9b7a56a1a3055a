package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.ConfigurationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostSettingsTest {

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        HostSettings settings = HostSettings.from(Map.of());

        assertThat(settings.provider()).isEqualTo("embedded");
        assertThat(settings.execTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.hostsTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.rebootTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.rebootCommand()).isEqualTo("reboot");
        assertThat(settings.fanoutParallelism()).isEqualTo(32);
    }

    @Test
    void durationsTakeUnitsOrIsoAndEveryParameterReachesTheProvider() {
        HostSettings settings = HostSettings.from(Map.of("multihost.exec.timeout", "500ms",
                "multihost.hosts.timeout", "PT2M", "multihost.embedded.max-hosts", "3"));

        assertThat(settings.execTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.hostsTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.config().getInt("multihost.embedded.max-hosts", 0)).isEqualTo(3);
    }

    @Test
    void aBadValueIsAnErrorNamingTheKeyAndTheValue() {
        assertThatThrownBy(() -> HostSettings.from(Map.of("multihost.exec.timeout", "soon")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("[multihost.exec.timeout]").hasMessageContaining("[soon]");
        assertThatThrownBy(() -> HostSettings.from(Map.of("multihost.connect.timeout", "0s")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Configuration parameter [multihost.connect.timeout] must be a positive duration, was [0s].");
        assertThatThrownBy(() -> HostSettings.from(Map.of("multihost.fanout.parallelism", "0")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("[multihost.fanout.parallelism]");
    }

    @Test
    void theExtensionLooksUpDocumentedKeysSystemPropertiesAndKeysTheEngineSaw() {
        ConfigurationKeys.remember(java.util.List.of("multihost.seen.by-engine", "junit.jupiter.other"));

        assertThat(ConfigurationKeys.candidates()).contains("multihost.provider", "multihost.exec.timeout",
                "multihost.hosts.timeout", "multihost.seen.by-engine").doesNotContain("junit.jupiter.other");
        assertThat(ConfigurationKeys.collect(java.util.List.of("multihost.a", "other.b", "multihost.c"),
                k -> k.equals("multihost.c") ? java.util.Optional.empty() : java.util.Optional.of("v")))
                .containsExactly(Map.entry("multihost.a", "v"));
    }
}
