package io.junitmultihost.engine.internal.hosts;

import java.time.Duration;
import java.util.Arrays;
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
    private final String accountsFor;
    private final Duration lateBy;
    private final String why;

    /**
     * @param accountsFor the start of the problem (as {@link CellResult#problems()} words it) this entry accounts for
     * @param lateBy how much later than its deadline (and the grace) the cell fails today; zero when it is not late
     * @param why what happens, for the table
     */
    KnownFailure(MatrixOperation operation, MatrixFault fault, String accountsFor, Duration lateBy, String why) {
        this.operation = operation;
        this.fault = fault;
        this.accountsFor = accountsFor;
        this.lateBy = lateBy;
        this.why = why;
    }

    static Optional<KnownFailure> of(String operation, String fault) {
        return Arrays.stream(values()).filter(k -> k.operation.title().equals(operation) && k.fault.title().equals(fault))
                .findFirst();
    }

    String accountsFor() {
        return accountsFor;
    }

    Duration lateBy() {
        return lateBy;
    }

    String why() {
        return why;
    }
}
