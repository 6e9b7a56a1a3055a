package io.junitmultihost.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class MinaLoggingTest {

    @Test
    void aLevelTheUserSetForMinaOrADefaultBelowInfoIsLeftAlone() {
        assertThat(MinaLogging.asked(properties(Map.of("org.slf4j.simpleLogger.log.org.apache.sshd", "info")))).isTrue();
        assertThat(MinaLogging.asked(properties(Map.of("org.slf4j.simpleLogger.log.org.apache.sshd.server", "warn")))).isTrue();
        assertThat(MinaLogging.asked(properties(Map.of("org.slf4j.simpleLogger.log.org.apache", "debug")))).isTrue();
        assertThat(MinaLogging.asked(properties(Map.of("org.slf4j.simpleLogger.defaultLogLevel", "debug")))).isTrue();
    }

    @Test
    void otherwiseMinaIsQuieted() {
        assertThat(MinaLogging.asked(properties(Map.of()))).isFalse();
        assertThat(MinaLogging.asked(properties(Map.of("org.slf4j.simpleLogger.defaultLogLevel", "info",
                "org.slf4j.simpleLogger.log.org.apache.sshdx", "info", "org.slf4j.simpleLogger.showDateTime", "true")))).isFalse();
    }

    private static Properties properties(Map<String, String> values) {
        Properties properties = new Properties();
        properties.putAll(values);
        return properties;
    }
}
