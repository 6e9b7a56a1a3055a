package io.junitmultihost.engine.internal.hosts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one cell of the fault matrix saw: the outcome and its times, the other host, the sync after
 * the fault, the leftovers; {@link #problems()} says what breaks the cell's promise.
 */
record CellResult(String fault, String operation, String host, Duration deadline, MatrixCell.Expected expected,
        Outcome outcome, String message, Duration sinceCall, Duration sinceFault, String otherHost,
        String syncAfterwards, String leftovers, String keyFiles, String broken) {

    /** How the operation ended. */
    enum Outcome { SUCCEEDED, FAILED, HUNG, NOT_RUN }

    /** Over the deadline, the lateness a failure may have on this shared 2-core machine. */
    static final Duration GRACE = Duration.ofSeconds(3);

    /** The cell's entry among the known failures, if it has one (never for the killed test JVM's row). */
    java.util.Optional<KnownFailure> known() {
        return KnownFailure.of(operation, fault);
    }

    /**
     * What breaks the cell's promise beyond its known failure; empty when it holds. A known
     * failure that no longer happens is a problem too: its entry must go.
     */
    List<String> problems() {
        List<String> all = allProblems();
        java.util.Optional<KnownFailure> known = known();
        if (known.isEmpty()) {
            return all;
        }
        List<String> left = new ArrayList<>(all.stream().filter(p -> !known.get().accountsFor(p)).toList());
        if (left.size() == all.size() && !known.get().intermittent()) {
            left.add("known failure " + known.get() + " no longer happens: remove it from KnownFailure and docs/RELIABILITY.md");
        }
        Duration latest = deadline.plus(GRACE).plus(known.get().lateBy());
        if (sinceCall != null && outcome == Outcome.FAILED && sinceCall.compareTo(latest) > 0) {
            left.add("failed after " + ms(sinceCall) + ", later still than known failure " + known.get() + " allows ("
                    + ms(latest) + ")");
        }
        return left;
    }

    /** What breaks the cell's promise, known failures included. */
    List<String> allProblems() {
        List<String> problems = new ArrayList<>();
        if (broken != null) {
            problems.add(broken);
        }
        if (expected == MatrixCell.Expected.SUCCEEDS && outcome != Outcome.SUCCEEDED) {
            problems.add("expected to succeed, " + outcome + ": " + message);
        }
        if (expected == MatrixCell.Expected.FAILS && outcome == Outcome.SUCCEEDED) {
            problems.add("expected to fail, succeeded: " + message);
        }
        if (outcome == Outcome.NOT_RUN && broken == null) {
            problems.add("the operation did not run");
        }
        if (outcome == Outcome.HUNG) {
            problems.add("no outcome within the deadline and a minute more");
        }
        if (outcome == Outcome.FAILED && sinceCall != null && sinceCall.compareTo(deadline.plus(GRACE)) > 0) {
            problems.add("failed after " + ms(sinceCall) + ", past its deadline of " + ms(deadline));
        }
        if (outcome == Outcome.FAILED && host != null && !message.contains(host)) {
            problems.add("the failure does not name the host [" + host + "]: " + message);
        }
        if (outcome == Outcome.FAILED && message != null && message.contains("refused authentication")) {
            // no fault of the matrix touches keys: a refused authentication is a handshake cut short, misnamed
            problems.add("the failure blames authentication, though the host could not be reached: " + message);
        }
        if (otherHost != null && !otherHost.startsWith("ok")) {
            problems.add("another host was affected: " + otherHost);
        }
        if (syncAfterwards != null && !syncAfterwards.startsWith("ok")) {
            problems.add("sync after the fault: " + syncAfterwards);
        }
        if (leftovers != null && !leftovers.isEmpty()) {
            problems.add("left on the host: " + leftovers);
        }
        return problems;
    }

    /** This result with what was left on its host once the class it shared with other cells ended. */
    CellResult withLeftoversAfterTheClass(String after) {
        String both = leftovers == null || leftovers.isEmpty() ? (after.isEmpty() ? "" : "after the class ended: " + after)
                : after.isEmpty() ? leftovers : leftovers + "; after the class ended: " + after;
        return new CellResult(fault, operation, host, deadline, expected, outcome, message, sinceCall, sinceFault,
                otherHost, syncAfterwards, both, keyFiles, broken);
    }

    /** This result with the files holding a token left on its host once its class ended. */
    CellResult withKeyFiles(String files) {
        return new CellResult(fault, operation, host, deadline, expected, outcome, message, sinceCall, sinceFault,
                otherHost, syncAfterwards, leftovers, files, broken);
    }

    static String ms(Duration d) {
        return d == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /** Collects a cell's findings as it runs. */
    static final class Builder {
        private final String fault;
        private final String operation;
        private final Duration deadline;
        private final MatrixCell.Expected expected;
        private String host;
        private Outcome outcome = Outcome.NOT_RUN;
        private String message = "";
        private Duration sinceCall;
        private Duration sinceFault;
        private String otherHost;
        private String syncAfterwards;
        private String leftovers;
        private String keyFiles;
        private String broken;

        Builder(String fault, String operation, Duration deadline, MatrixCell.Expected expected) {
            this.fault = fault;
            this.operation = operation;
            this.deadline = deadline;
            this.expected = expected;
        }

        void host(String name) {
            this.host = name;
        }

        void succeeded(String note) {
            outcome = Outcome.SUCCEEDED;
            message = note;
        }

        void failed(Exception e) {
            outcome = Outcome.FAILED;
            message = e.getClass().getSimpleName() + ": " + e.getMessage();
        }

        void hung(String note) {
            outcome = Outcome.HUNG;
            message = note;
        }

        void timing(Duration sinceCall, Duration sinceFault) {
            this.sinceCall = sinceCall;
            this.sinceFault = sinceFault;
        }

        void otherHost(String seen) {
            otherHost = seen;
        }

        void syncAfterwards(String seen) {
            syncAfterwards = seen;
        }

        void leftovers(String seen) {
            leftovers = seen;
        }

        void keyFiles(String seen) {
            keyFiles = seen;
        }

        void broken(String why) {
            broken = broken == null ? why : broken + "; " + why;
        }

        CellResult build() {
            return new CellResult(fault, operation, host, deadline, expected, outcome, message, sinceCall, sinceFault,
                    otherHost, syncAfterwards, leftovers, keyFiles, broken);
        }
    }
}
