/**
 * Benchmarks, one class per {@code benchmarks/run NAME} (ssh-exec -> {@code SshExecBenchmark}),
 * each measuring junit-multihost against its peers in the same run and printing one JSON object
 * as its last line.
 */
package io.junitmultihost.benchmarks;
