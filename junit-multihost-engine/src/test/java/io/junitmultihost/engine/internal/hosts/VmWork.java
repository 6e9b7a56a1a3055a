package io.junitmultihost.engine.internal.hosts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the fault matrix runs inside a remote JVM. */
final class VmWork {

    private VmWork() {
    }

    /** Marks the invocation as started on the host, then works for {@code seconds}. */
    static String sleep(long seconds) throws IOException, InterruptedException {
        Files.writeString(Path.of("/tmp/mx-vm-inflight"), "started");
        Thread.sleep(seconds * 1000);
        return "slept " + seconds + " s";
    }
}
