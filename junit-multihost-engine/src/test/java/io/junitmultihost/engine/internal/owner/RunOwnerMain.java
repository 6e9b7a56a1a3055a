package io.junitmultihost.engine.internal.owner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A JVM that leaves a class's command running and exits without closing anything: the run's
 * owner must stop it from its shutdown hook. Writes {@code stopped} to the file in {@code args[0]}.
 */
public final class RunOwnerMain {

    private RunOwnerMain() {
    }

    public static void main(String[] args) {
        Owner run = Owner.forRun("the run");
        Owner owner = run.child("class [A]");
        owner.register(Stage.PROCESSES, "command [sleep 100] on host [h]", Duration.ofSeconds(5),
                () -> Files.writeString(Path.of(args[0]), "stopped"));
        System.exit(3);
    }
}
