package io.junitmultihost.api;

import java.io.Serializable;

/** Code without a result to run in a remote JVM: a serializable lambda or class; it may throw. */
@FunctionalInterface
public interface SerializableRunnable extends Serializable {

    /** Runs it. */
    void run() throws Exception;
}
