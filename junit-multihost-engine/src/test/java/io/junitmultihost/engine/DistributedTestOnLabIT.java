package io.junitmultihost.engine;

import io.junitmultihost.engine.internal.hosts.MustNotSkip;

/**
 * {@link DistributedTestIT} on the lab: real OpenSSH hosts in namespaces, each part driving its own
 * host from the test JVM (fails under CI=true when the lab cannot run).
 */
class DistributedTestOnLabIT extends DistributedTestIT {

    @Override
    @org.junit.jupiter.api.BeforeAll
    void run(@org.junit.jupiter.api.io.TempDir java.nio.file.Path report) {
        MustNotSkip.requireLab();
        super.run(report);
    }

    @Override
    String provider() {
        return "lab";
    }
}
