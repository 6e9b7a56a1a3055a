package io.junitmultihost.engine;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Run by {@link OlderPlatformTest} in a child JVM whose class path has another JUnit Platform:
 * discovers the class named in {@code args[0]} as a build tool would, prints how many tests it
 * found, and when it found none (or {@code args[1]} is {@code execute}) runs the plan to print what
 * the platform reports, cause by cause.
 * Uses only launcher API that Platform 1.x and 6.x share.
 */
public final class OlderPlatformMain {

    private OlderPlatformMain() {
    }

    public static void main(String[] args) throws Exception {
        Launcher launcher = LauncherFactory.create();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(Class.forName(args[0]))).build();
        TestPlan plan = launcher.discover(request);
        long tests = plan.countTestIdentifiers(TestIdentifier::isTest);
        System.out.println("discovered tests: " + tests);
        if (tests == 0 || args.length > 1 && args[1].equals("execute")) {
            launcher.execute(plan, new TestExecutionListener() {
                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    for (Throwable t = result.getThrowable().orElse(null); t != null; t = t.getCause()) {
                        System.out.println("reported " + id.getDisplayName() + ": " + t);
                    }
                }
            });
        }
    }
}
