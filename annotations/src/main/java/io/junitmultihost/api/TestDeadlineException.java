package io.junitmultihost.api;

/**
 * A test ran past its deadline ({@link MultiHostTest#timeout()}, or {@code multihost.test.timeout}).
 * Its message says what the test was doing, who waited where in its syncs, and what its remote
 * JVMs' threads were doing, gathered before the test's work was ended.
 */
public class TestDeadlineException extends MultiHostException {

    private static final long serialVersionUID = 1L;

    /** @param message the deadline and the diagnostics gathered */
    public TestDeadlineException(String message) {
        super(message);
    }
}
