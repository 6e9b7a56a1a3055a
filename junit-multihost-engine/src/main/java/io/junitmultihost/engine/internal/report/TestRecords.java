package io.junitmultihost.engine.internal.report;

/** Records tests starting and ending, for both the engine and the Jupiter extension. Internal. */
public final class TestRecords {

    private TestRecords() {
    }

    /** Test {@code id} ({@code name}, of {@code className}) started. */
    public static void started(RunRecord record, String id, String name, String className) {
        record.add("test.start", "", className, "test_id", id, "test", name);
    }

    /**
     * Test {@code id} ended with {@code status} ({@code SUCCESSFUL}, {@code FAILED}, {@code ABORTED}),
     * {@code failure} its cause or null.
     */
    public static void finished(RunRecord record, String id, String name, String className, String status,
            Throwable failure) {
        record.add("test.end", "", className, "test_id", id, "test", name, "status", status, "failure",
                failure == null ? null : RunRecord.cut(failure.getClass().getName() + ": " + failure.getMessage(), 500));
    }
}
