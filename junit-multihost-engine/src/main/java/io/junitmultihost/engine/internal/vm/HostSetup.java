package io.junitmultihost.engine.internal.vm;

/**
 * What every JVM on one host shares within a class: the host-side port that reaches the
 * controller, the remote classpath, the {@code java} to run, and the directory of the run's token
 * and logs, and the host's {@code sync.env} for the class's sync (empty: none).
 */
record HostSetup(int port, String classpath, String java, String runDir, String syncEnv) {

    String tokenFile() {
        return runDir + "/token";
    }
}
