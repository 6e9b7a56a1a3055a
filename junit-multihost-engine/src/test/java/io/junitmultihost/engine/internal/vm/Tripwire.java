package io.junitmultihost.engine.internal.vm;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/** A payload that leaves a file wherever it is deserialized: what an attacker's gadget chain would do, harmlessly. */
final class Tripwire implements Serializable {

    private static final long serialVersionUID = 1L;
    private final String file;

    Tripwire(String file) {
        this.file = file;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        Files.writeString(Path.of(file), "deserialized");
    }
}
