package io.junitmultihost.api;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Faults imposed on the test's hosts and between them: partitions, cuts, packet loss, bandwidth
 * limits, reset connections, paused processes and JVMs, power cuts. Injected into test methods like
 * {@link Host}; also {@link Cluster#faults()}.
 *
 * <p>Every fault takes a duration: it lifts itself then, and the end is kept on the host (a timer
 * the host runs), so a killed test JVM or a cut that also cut the test JVM's own link never leaves
 * a host faulted. Network faults are nftables rules in a table of their own on each host (iptables
 * chains of their own where the host has no nftables): the host's own rules are never touched, and
 * lifting removes exactly what was added. Where a host's provider can pull its links itself (a QEMU
 * guest's NICs, through QEMU's {@code set_link}), {@link #isolate} and {@link #isolateCompletely} do
 * that instead, and the provider keeps their end. The test JVM's own SSH link to a host is never cut unless
 * the call says so. Every fault belongs to the test class that imposed it and is lifted when the
 * class ends; each is an event of the run's report (a span on its timeline), and a command, sync or
 * reboot that fails while a fault is active names the fault in its message.
 *
 * <p>A host whose provider cannot impose a fault (an embedded host shares this machine's network)
 * fails the call with {@link UnsupportedOperationException} saying why; nothing is imposed then.
 * See docs/FAULTS.md.
 */
public interface Faults {

    /**
     * Partitions {@code side} from {@code other}, both ways: no packet passes between a host of one
     * and a host of the other. Hosts of the same side still reach each other; the test JVM reaches
     * all of them.
     */
    Fault partition(Collection<Host> side, Collection<Host> other, Duration duration);

    /**
     * Drops what {@code from} sends to {@code to}, one way: packets from {@code to} still reach
     * {@code from} (so TCP to {@code to} hangs while datagrams from {@code to} arrive).
     */
    Fault partitionOneWay(Collection<Host> from, Collection<Host> to, Duration duration);

    /** Cuts {@code host} from every other host of the test, both ways; the test JVM still reaches it. */
    Fault isolate(Host host, Duration duration);

    /**
     * Cuts {@code host} from everyone, the test JVM included: its commands fail until the fault
     * lifts itself after {@code duration} (the host's own timer lifts it; {@link Fault#close()}
     * cannot reach it before, except where the host's provider pulled its links itself: then
     * {@code close()} puts them back at once).
     */
    Fault isolateCompletely(Host host, Duration duration);

    /**
     * Drops {@code percent} (1 to 100) of the packets {@code host} sends and receives to and from
     * other hosts, at random, each way. The test JVM's link is spared unless {@code percent} should
     * hit it too: see {@link #lossIncludingController}.
     */
    Fault loss(Host host, int percent, Duration duration);

    /** As {@link #loss}, the test JVM's own link to {@code host} included. */
    Fault lossIncludingController(Host host, int percent, Duration duration);

    /**
     * Limits what {@code host} sends to {@code bitsPerSecond} (at least 8000), to every peer (the
     * test JVM too: a limit that spared it would not be one).
     */
    Fault limitBandwidth(Host host, long bitsPerSecond, Duration duration);

    /**
     * Resets every TCP connection between {@code host} and {@code peers} and refuses new ones for
     * {@code duration}: each packet is answered with a TCP reset (Pekko's {@code abort}).
     */
    Fault resetConnections(Host host, Collection<Host> peers, Duration duration);

    /** Pauses {@code process}'s whole process group (SIGSTOP), and resumes it (SIGCONT) when lifted. */
    Fault pause(HostProcess process, Duration duration);

    /** Pauses remote JVM {@code vm} (SIGSTOP), and resumes it (SIGCONT) when lifted. */
    Fault pause(Vm vm, Duration duration);

    /**
     * Cuts {@code host}'s power ({@link Host#power()}) and powers it on again when lifted. The host
     * cannot be its own timer here: the end is kept by the test JVM (and by the provider's own
     * clean-up, for lab and QEMU hosts, should it die).
     *
     * @throws UnsupportedOperationException the host's provider cannot power it
     */
    Fault powerCut(Host host, Duration duration);

    /** The faults of this class still in force, oldest first. */
    List<Fault> active();

    /** Lifts every fault of this class still in force; what could not be lifted is named in one exception. */
    void liftAll();
}
