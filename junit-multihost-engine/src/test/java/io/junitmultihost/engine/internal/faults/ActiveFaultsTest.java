package io.junitmultihost.engine.internal.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Fault;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActiveFaultsTest {

    @Test
    void aFailureOnAHostNamesTheFaultsInForceThereOldestFirstAndNothingOnceLifted() {
        Instant t = LocalTime.of(12, 1, 3, 120_000_000).atDate(java.time.LocalDate.of(2026, 12, 2))
                .atZone(ZoneId.systemDefault()).toInstant();
        Fault partition = fault("fault-1", "host-2 was partitioned from host-1", List.of("host-2", "host-1"), t);
        Fault loss = fault("fault-2", "host-2 dropped 10% of its packets", List.of("host-2"), t.plusSeconds(1));
        ActiveFaults.add(loss);
        ActiveFaults.add(partition);
        try {
            assertThat(ActiveFaults.during("host-1"))
                    .isEqualTo(" while host-2 was partitioned from host-1 since 12:01:03.120 (fault-1)");
            assertThat(ActiveFaults.during("host-2")).isEqualTo(" while host-2 was partitioned from host-1 since"
                    + " 12:01:03.120 (fault-1); and while host-2 dropped 10% of its packets since 12:01:04.120 (fault-2)");
            assertThat(ActiveFaults.during("host-3")).isEmpty();
        } finally {
            ActiveFaults.remove(loss);
            ActiveFaults.remove(partition);
        }
        assertThat(ActiveFaults.during("host-1")).isEmpty();
    }

    private static Fault fault(String id, String description, List<String> hosts, Instant since) {
        // Imposed on nothing: the registry only reads what a fault says of itself.
        return new ImposedFault(null, id, description, List.of(), hosts, since, since.plusSeconds(60), false);
    }
}
