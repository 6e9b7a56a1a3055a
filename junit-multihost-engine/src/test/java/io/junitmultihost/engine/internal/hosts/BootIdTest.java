package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.MultiHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BootIdTest {

    @Test
    void aWellFormedUuidIsABootIdWhateverItsCaseAndNewline() {
        assertThat(BootId.of(0, "8E5C1A3B-0B7B-4C2D-9D4B-3C1E2F0A9B8C\n"))
                .contains("8e5c1a3b-0b7b-4c2d-9d4b-3c1e2f0a9b8c");
    }

    @Test
    void aFailedReadOrAnythingElseIsNoBootId() {
        assertThat(BootId.of(1, "8e5c1a3b-0b7b-4c2d-9d4b-3c1e2f0a9b8c")).isEmpty();
        assertThat(BootId.of(0, "")).isEmpty();
        assertThat(BootId.of(0, "cat: /proc/sys/kernel/random/boot_id: No such file")).isEmpty();
        assertThat(BootId.of(0, "8e5c1a3b-0b7b-4c2d-9d4b-3c1e2f0a9b8c\n8e5c1a3b-0b7b-4c2d-9d4b-3c1e2f0a9b8c")).isEmpty();
    }

    @Test
    void requiringABootIdThatIsNotThereSaysWhatWasRead() {
        ExecResult result = new ExecResult("db1", "cat /proc/sys/kernel/random/boot_id", 1, new byte[0],
                "cat: no such file".getBytes(StandardCharsets.UTF_8), Duration.ofMillis(3));

        assertThatThrownBy(() -> BootId.require(result)).isInstanceOf(MultiHostException.class)
                .hasMessage("Host [db1] gave no boot id: [cat /proc/sys/kernel/random/boot_id] exited with [1],"
                        + " stdout [], stderr [cat: no such file]; expected a UUID. Check that /proc is mounted on the host.");
    }
}
