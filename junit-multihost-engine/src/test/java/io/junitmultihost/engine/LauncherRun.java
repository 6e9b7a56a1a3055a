package io.junitmultihost.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;

/** One run of the real launcher with every engine on the class path, as Surefire does it. */
final class LauncherRun implements TestExecutionListener {

    /** A finished (or skipped) test or container. */
    record Outcome(TestIdentifier identifier, TestExecutionResult result, String skipReason) {
        String engine() {
            return identifier.getUniqueIdObject().getEngineId().orElseThrow();
        }
    }

    final List<Outcome> outcomes = new ArrayList<>();
    final Map<String, ReportEntry> reports = new ConcurrentHashMap<>();

    static LauncherRun execute(LauncherDiscoveryRequest request) {
        LauncherRun run = new LauncherRun();
        try (LauncherSession session = LauncherFactory.openSession()) {
            session.getLauncher().execute(request, run);
        }
        return run;
    }

    List<Outcome> tests() {
        return outcomes.stream().filter(o -> o.identifier().isTest()).toList();
    }

    @Override
    public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
        outcomes.add(new Outcome(id, result, null));
    }

    @Override
    public synchronized void executionSkipped(TestIdentifier id, String reason) {
        outcomes.add(new Outcome(id, null, reason));
    }

    @Override
    public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
        reports.put(id.getUniqueId(), entry);
    }
}
