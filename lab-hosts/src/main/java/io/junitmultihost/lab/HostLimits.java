package io.junitmultihost.lab;

import io.junitmultihost.api.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the lab's hosts may put in RAM-backed files, so that a lab of many hosts cannot exhaust
 * this machine's memory: each host's {@code /tmp}, {@code /dev/shm} and {@code /run} are tmpfs
 * of bounded size, scaled so that {@code max-hosts} hosts together take at most a quarter of
 * memory (never below small floors; a lab whose floors alone would take more than half of memory
 * is refused); and when the state directory is RAM-backed, the lab's files (the hosts' disks)
 * get a tmpfs of their own of a quarter of memory, so they cannot fill the machine's {@code /run}.
 *
 * @param tmpMib each host's {@code /tmp}, in MiB
 * @param shmMib each host's {@code /dev/shm}, in MiB
 * @param runMib each host's {@code /run}, in MiB
 * @param diskMib all the lab's files together when the state directory is RAM-backed, in MiB
 */
record HostLimits(long tmpMib, long shmMib, long runMib, long diskMib) {

    static final long TMP_MAX = 512;
    static final long SHM_MAX = 128;
    static final long RUN_MAX = 32;
    static final long TMP_MIN = 16;
    static final long SHM_MIN = 8;
    static final long RUN_MIN = 8;
    private static final long MIB = 1024 * 1024;

    /** The limits for a lab of at most {@code maxHosts} hosts on a machine with {@code memoryBytes} of memory. */
    static HostLimits of(int maxHosts, long memoryBytes) {
        long memoryMib = memoryBytes / MIB;
        long floors = TMP_MIN + SHM_MIN + RUN_MIN;
        if (floors * maxHosts > memoryMib / 2) {
            throw new ConfigurationException("A lab of up to [" + maxHosts + "] hosts needs at least [" + floors * maxHosts + " MiB] for their"
                    + " /tmp, /dev/shm and /run (" + floors + " MiB each), more than half of this machine's [" + memoryMib + " MiB] of memory;"
                    + " lower " + LabHostProviderFactory.MAX_HOSTS + " to at most [" + Math.max(1, memoryMib / 2 / floors) + "].");
        }
        // Each size goes from its floor to its maximum as the share allows: never more than the share, unless floors need more.
        long share = memoryMib / 4 / maxHosts;
        long maxima = TMP_MAX + SHM_MAX + RUN_MAX;
        double scale = Math.max(0.0, Math.min(1.0, (double) (share - floors) / (maxima - floors)));
        return new HostLimits(
                TMP_MIN + (long) ((TMP_MAX - TMP_MIN) * scale),
                SHM_MIN + (long) ((SHM_MAX - SHM_MIN) * scale),
                RUN_MIN + (long) ((RUN_MAX - RUN_MIN) * scale),
                memoryMib / 4);
    }

    /** What one host's tmpfs may hold together, in MiB. */
    long perHostMib() {
        return tmpMib + shmMib + runMib;
    }

    /** The line the init reads: {@code <tmp> <shm> <run>} in MiB. */
    String initLine() {
        return tmpMib + " " + shmMib + " " + runMib + "\n";
    }

    /** This machine's memory (MemTotal in {@code /proc/meminfo}), in bytes. */
    static long machineMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new LabException("Could not read this machine's memory from [/proc/meminfo]: [" + e.getMessage() + "].", e);
        }
        throw new LabException("Could not find MemTotal in [/proc/meminfo].");
    }
}
