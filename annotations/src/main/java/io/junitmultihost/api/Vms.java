package io.junitmultihost.api;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Remote JVMs on the test's hosts, launched with the test's own classpath, and stopped and started
 * the way GemFire Hydra's ClientVmMgr does. Injected into test methods like {@link Host}; inside a
 * remote JVM, {@link VmContext#vms()} gives the same actions on the other JVMs.
 *
 * <p>A JVM is the target of at most one dynamic action at a time, and a JVM that is itself starting
 * an action is no target meanwhile: {@link VmNotFoundException} says which JVMs matched and why each
 * was unavailable. A synchronous stop returns once the JVM has stopped (not restarted); a
 * synchronous start once it is up and its init tasks ran. Two JVMs that would stop each other
 * synchronously fail the second call at once ({@link DynamicActionException}), naming both. Every
 * JVM the class launched is ended when the class ends (close tasks of run mode ONCE and ALWAYS
 * first), and a JVM whose test JVM is gone exits by itself within 10 s.
 */
public interface Vms {

    /** Launches {@code count} JVMs on {@code host} and returns once each is up and ran its init tasks. */
    List<Vm> launch(Host host, int count, VmOptions options);

    /** Launches {@code perHost} JVMs on each of {@code hosts}, all at once; see {@link #launch(Host, int, VmOptions)}. */
    List<Vm> launch(Collection<Host> hosts, int perHost, VmOptions options);

    /** Every JVM launched so far, started or stopped, in launch order. */
    List<Vm> all();

    /** The JVM with logical id {@code id}. */
    Vm vm(String id);

    /** The logical ids of every JVM, started or stopped (Hydra's getClientVmids). */
    List<String> vmIds();

    /** The logical ids of every JVM but the calling one (from the test JVM: all of them). */
    List<String> otherVmIds();

    /** The PID of JVM {@code id}'s current start; -1 while it is stopped. */
    long pid(String id);

    /** Stops the calling JVM with the default modes (only from inside a remote JVM). */
    VmInfo stop(String reason);

    /** Stops the calling JVM with {@code stopMode}, then starts it as {@code startMode} says (only from inside a remote JVM). */
    VmInfo stop(String reason, StopMode stopMode, StartMode startMode);

    /** Stops one JVM matching {@code target} with the default modes; returns once it has stopped. */
    VmInfo stop(String reason, VmTarget target);

    /** Stops one JVM matching {@code target}; returns once it has stopped (not restarted). */
    VmInfo stop(String reason, StopMode stopMode, StartMode startMode, VmTarget target);

    /** Starts stopping one JVM matching {@code target}; the future completes once it has stopped. */
    CompletableFuture<VmInfo> stopAsync(String reason, StopMode stopMode, StartMode startMode, VmTarget target);

    /** Starts one stopped JVM (stopped ON_DEMAND) matching {@code target}; returns once it is up and ran its init tasks. */
    VmInfo start(String reason, VmTarget target);

    /** Starts one stopped JVM (stopped ON_DEMAND), chosen by the library. */
    default VmInfo start(String reason) {
        return start(reason, VmTarget.any());
    }

    /** Starts starting one JVM matching {@code target}; the future completes once it is up and ran its init tasks. */
    CompletableFuture<VmInfo> startAsync(String reason, VmTarget target);

    /** The deadline of every dynamic action and launch that names none: {@value #DEFAULT_ACTION_SECONDS} s. */
    long DEFAULT_ACTION_SECONDS = 120;

    /** {@link #DEFAULT_ACTION_SECONDS} as a duration. */
    static Duration defaultActionDeadline() {
        return Duration.ofSeconds(DEFAULT_ACTION_SECONDS);
    }
}
