package io.junitmultihost.benchmarks;

import io.junitmultihost.lab.LabFigures;

/**
 * {@code benchmarks/run lab [hosts]}: what lab hosts cost here (time to bring up 10 and 100 hosts,
 * memory per host, {@code ssh true} latency, reboot and close times). It has no peer: these are the
 * lab's own costs, recorded in docs/BENCHMARKS.md.
 */
public final class LabBenchmark {

    private LabBenchmark() {
    }

    /** Runs the measurement; the last line printed is one JSON object. */
    public static void main(String[] args) throws Exception {
        LabFigures.main(args);
    }
}
