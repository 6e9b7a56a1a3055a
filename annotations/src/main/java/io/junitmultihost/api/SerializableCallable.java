package io.junitmultihost.api;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * Code to run in a remote JVM ({@link Vm#invoke(SerializableCallable)}): a lambda or class that is
 * {@link Serializable}, whose captured values are too. Its class must be on the test's classpath,
 * which the remote JVM shares.
 *
 * @param <T> the result, which must be serializable (or null)
 */
@FunctionalInterface
public interface SerializableCallable<T> extends Callable<T>, Serializable {
}
