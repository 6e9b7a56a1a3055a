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
    ;

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
