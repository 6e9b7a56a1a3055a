package io.junitmultihost.engine.internal.hosts;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Cells of the fault matrix that break their promise today, each with what it does instead; the
 * matrix asserts that behaviour, so a change either way is seen: a cell that keeps its promise
 * again fails until its entry is removed. docs/RELIABILITY.md lists them under "Known failures".
 */
enum KnownFailure {

    EXEC_SSHD_KILLED(MatrixOperation.EXEC, MatrixFault.SSHD_KILLED, List.of("left on the host"), Duration.ZERO, false,
            "the command outlives its lost session and its class: the library no longer knows its process group"),
    STREAM_SSHD_KILLED(MatrixOperation.STREAM, MatrixFault.SSHD_KILLED, List.of("left on the host"), Duration.ZERO, false,
            "the command outlives its lost session and its class: the library no longer knows its process group"),
    EXEC_KILLED_JVM(MatrixOperation.EXEC, null, List.of("expected to succeed, HUNG", "no outcome within", "left on the host"),
            Duration.ZERO, true, "the command outlives the killed test JVM: sshd signals nothing when its client goes"),
    STREAM_KILLED_JVM(MatrixOperation.STREAM, null, List.of("expected to succeed, HUNG", "no outcome within", "left on the host"),
            Duration.ZERO, true, "the command outlives the killed test JVM: sshd signals nothing when its client goes"),
    UPLOAD_LINK_CUT(MatrixOperation.UPLOAD, MatrixFault.LINK_CUT, List.of("failed after", "no outcome within",
            "sync after the fault"), Duration.ofSeconds(10), true,
            "in some runs the upload fails 5-8 s past its deadline, and in some it hangs for over a minute past it"),
    UPLOAD_LOSS_100(MatrixOperation.UPLOAD, MatrixFault.LOSS_100, List.of("failed after", "no outcome within",
            "sync after the fault"), Duration.ofSeconds(10), true,
            "in some runs the upload fails 5-8 s past its deadline, and in some it hangs for over a minute past it"),
    UPLOAD_LOSS_30(MatrixOperation.UPLOAD, MatrixFault.LOSS_30, List.of("failed after", "no outcome within",
            "sync after the fault"), Duration.ofSeconds(10), true,
            "in some runs the upload fails 5-8 s past its deadline, and in some it hangs for over a minute past it"),
    DOWNLOAD_LINK_CUT(MatrixOperation.DOWNLOAD, MatrixFault.LINK_CUT, List.of("failed after"), Duration.ofSeconds(10), true,
            "in some runs the download fails 7 s past its deadline"),
    PROCESS_LINK_CUT(MatrixOperation.PROCESS, MatrixFault.LINK_CUT, List.of("failed after"), Duration.ofSeconds(22), false,
            "waitFor fails about 10 s past its deadline: it connects anew with a connect timeout of its own"),
    PROCESS_LOSS_100(MatrixOperation.PROCESS, MatrixFault.LOSS_100, List.of("failed after"), Duration.ofSeconds(13), false,
            "waitFor fails about 10 s past its deadline: it connects anew with a connect timeout of its own"),
    PROCESS_LOSS_30(MatrixOperation.PROCESS, MatrixFault.LOSS_30, List.of("failed after"), Duration.ofSeconds(22), true,
            "in some runs waitFor fails about 14 s past its deadline: under loss its own new connection is slow or refused");

    private final MatrixOperation operation;
    private final MatrixFault fault;
    private final List<String> accountsFor;
    private final Duration lateBy;
    private final boolean intermittent;
    private final String why;

    /**
     * @param operation the cell's operation
     * @param fault the cell's fault; null for the killed test JVM's row
     * @param accountsFor how the problems this entry accounts for start (as {@link CellResult#problems()} words them)
     * @param lateBy how much later than its deadline (and the grace) the cell fails today; zero when it is not late
     * @param intermittent whether it happens in some runs only (then a run without it is no news)
     * @param why what happens, for the table
     */
    KnownFailure(MatrixOperation operation, MatrixFault fault, List<String> accountsFor, Duration lateBy, boolean intermittent,
            String why) {
        this.operation = operation;
        this.fault = fault;
        this.accountsFor = accountsFor;
        this.lateBy = lateBy;
        this.intermittent = intermittent;
        this.why = why;
    }

    static Optional<KnownFailure> of(String operation, String fault) {
        return Arrays.stream(values()).filter(k -> k.operation.title().equals(operation)
                && (k.fault == null ? FaultMatrixIT.KILLED : k.fault.title()).equals(fault)).findFirst();
    }

    boolean intermittent() {
        return intermittent;
    }

    /** Whether this entry accounts for {@code problem}. */
    boolean accountsFor(String problem) {
        return accountsFor.stream().anyMatch(problem::startsWith);
    }

    Duration lateBy() {
        return lateBy;
    }

    String why() {
        return why;
    }
}
