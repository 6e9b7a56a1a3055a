package io.junitmultihost.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.ConfigurationException;
import org.junit.jupiter.api.Test;

class HostLimitsTest {

    private static final long MIB = 1024 * 1024;
    private static final long GIB = 1024 * MIB;

    @Test
    void fewHostsOnABigMachineGetTheFullSizes() {
        HostLimits limits = HostLimits.of(10, 64 * GIB);
        assertThat(limits.tmpMib()).isEqualTo(512);
        assertThat(limits.shmMib()).isEqualTo(128);
        assertThat(limits.runMib()).isEqualTo(32);
    }

    @Test
    void manyHostsShareAQuarterOfMemory() {
        HostLimits limits = HostLimits.of(100, 24 * GIB);
        assertThat(limits.perHostMib() * 100).isLessThanOrEqualTo(24 * 1024 / 4);
        assertThat(limits.tmpMib()).isGreaterThanOrEqualTo(16).isLessThan(512);
    }

    @Test
    void theSizesNeverGoBelowTheFloorsAndTheTotalStaysUnderHalfOfMemory() {
        HostLimits limits = HostLimits.of(100, 8 * GIB);
        assertThat(limits.tmpMib()).isEqualTo(16);
        assertThat(limits.shmMib()).isEqualTo(8);
        assertThat(limits.runMib()).isEqualTo(8);
        assertThat(limits.perHostMib() * 100).isLessThanOrEqualTo(8 * 1024 / 2);
    }

    @Test
    void tooManyHostsForThisMachinesMemoryAreRefusedAtStartWithWhatToDo() {
        assertThatThrownBy(() -> HostLimits.of(100, 2 * GIB))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("[100]").hasMessageContaining("[2048 MiB]").hasMessageContaining(LabHostProviderFactory.MAX_HOSTS);
    }

    @Test
    void theDiskBudgetIsAQuarterOfMemory() {
        assertThat(HostLimits.of(10, 24 * GIB).diskMib()).isEqualTo(6 * 1024);
    }

    @Test
    void theMachinesMemoryIsReadFromProcMeminfo() {
        assertThat(HostLimits.machineMemory()).isGreaterThan(256 * MIB);
    }
}
