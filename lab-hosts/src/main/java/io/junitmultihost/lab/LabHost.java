package io.junitmultihost.lab;

import io.junitmultihost.spi.HostControl;
import io.junitmultihost.spi.HostSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One host of a {@link Lab}: a real OpenSSH sshd in its own network, PID, mount, UTS and IPC
 * namespaces, reachable at {@link #address()} port 22 as root with the lab's client key. Obtain
 * hosts from {@link Lab#hosts()}; thread-safe.
 *
 * <p>Power: {@link #reboot()} (as {@code reboot} run on the host), {@link #crash()} (every process
 * killed at once; it boots again after the lab's down time), {@link #powerOff()} and
 * {@link #powerOn()}. Each boot has a new {@link #bootId()}. Faults, applied with nftables and tc
 * inside the host's namespace and on its link: {@link #cutLink()}, {@link #dropPackets(int)},
 * {@link #cutFrom(LabHost)}, {@link #cutFromMachine()}, {@link #limitBandwidth(long)}; {@link #clearFaults()}
 * lifts them all.
 * Every method that waits takes or has a deadline and fails with {@link LabException} past it.
 *
 * <p>Inside: {@link HostPower} runs the host's boots and power, {@link BootCheck} says when a boot
 * is up, {@link HostFaults} holds its network faults and {@link HostKeys} its host key.
 */
public final class LabHost implements HostControl {

    /** Where a host is in its life. */
    public enum State {
        /** Its init runs; sshd is not yet checked. */
        BOOTING,
        /** Booted, sshd answers and the safety check passed. */
        UP,
        /** Rebooting or crashed: down for the lab's down time, then it boots by itself. */
        DOWN,
        /** Powered off: it stays down until {@link LabHost#powerOn()}. */
        OFF,
        /** Its boot failed or the safety check refused it; {@link LabHost#powerOn()} tries again. */
        FAILED,
        /** Removed with its lab. */
        CLOSED
    }

    private final Lab lab;
    private final int index;
    private final String name;
    private final String address;
    private final String namespace;
    private final String veth;
    private final HostDir dir;
    private final HostFaults faults;
    private final HostKeys keys;
    private final HostPower power;

    LabHost(Lab lab, int index, String name, String address, String namespace, String veth, HostDir dir) {
        this.lab = lab;
        this.index = index;
        this.name = name;
        this.address = address;
        this.namespace = namespace;
        this.veth = veth;
        this.dir = dir;
        this.faults = new HostFaults(name, namespace, veth);
        this.keys = new HostKeys(name, address, dir);
        this.power = new HostPower(this, faults, keys);
    }

    /** The host's name, such as {@code lab-1}; also its hostname. */
    public String name() {
        return name;
    }

    /** The host's address on the lab's bridge. */
    public String address() {
        return address;
    }

    /** Where the host is in its life now. */
    public State state() {
        return power.state();
    }

    /**
     * How to reach this host over SSH: its address, port 22, user root, the lab's client key, and
     * its host key as the only known_hosts line (strict checking), with this host as its control.
     */
    public HostSpec spec() {
        return HostSpec.builder(name, address)
                .port(22)
                .user("root")
                .identityFile(lab.clientKey())
                .knownHosts(List.of(keys.line()))
                .strictHostKeyChecking(true)
                .labels(Map.of("provider", LabHostProviderFactory.NAME, "lab", lab.id(), "namespace", namespace))
                .control(this)
                .build();
    }

    /** The host's key as one OpenSSH known_hosts line: {@code <address> ssh-ed25519 AAAA...}. */
    public String knownHostsLine() {
        return keys.line();
    }

    /** The boot id of the host's current (or last) boot, as {@code /proc/sys/kernel/random/boot_id} shows it there. */
    public String bootId() {
        try {
            return Files.readString(dir.bootId(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new LabException("Could not read the boot id of lab host [" + name + "] from [" + dir.bootId() + "].", e);
        }
    }

    /**
     * Runs {@code command} on the host with {@code /usr/bin/ssh} from this machine (so through any
     * fault applied) and returns its output; a {@link LabException} when it fails or outlives
     * {@code deadline}.
     */
    public String exec(String command, Duration deadline) {
        Exec.Result result = ssh(command, deadline);
        if (!result.ok()) {
            throw new LabException("Command [" + command + "] on lab host [" + name + "] exited with [" + result.exitCode()
                    + "]: [" + result.output().strip() + "].");
        }
        return result.output();
    }

    /** Runs {@code command} over SSH from this machine and returns what it left, whatever its exit code. */
    Exec.Result ssh(String command, Duration deadline) {
        return OpenSshClient.run(null, address, lab.clientKey(), dir.knownHosts(), command, deadline);
    }

    // ---- power ------------------------------------------------------------------------------

    /** Reboots the host as {@code reboot} run on it would, and waits until it is up again with a new boot id. */
    public void reboot() {
        reboot(lab.options().downTime().plus(lab.options().bootTimeout()).plusSeconds(10));
    }

    /**
     * Reboots the host as {@code reboot} run on it would: its processes get SIGTERM, then the
     * host's PID namespace ends; it stays down for the lab's down time and boots with a new boot
     * id. Returns once it is up again; a {@link LabException} past {@code deadline}.
     */
    public void reboot(Duration deadline) {
        power.reboot(deadline);
    }

    /** Kills every process on the host at once, as a kernel panic would; it boots again by itself after the down time. */
    public void crash() {
        power.crash();
    }

    /** Cuts the host's power: every process dies at once, nothing answers (connections time out) until {@link #powerOn()}. */
    @Override
    public List<String> consoleTail(int lines) {
        return dir.consoleLines(lines);
    }

    @Override
    public void powerOff() {
        power.powerOff();
    }

    /** Powers the host on (or boots it now if it is down after a crash or reboot) and waits until it is up. */
    @Override
    public void powerOn() {
        powerOn(lab.options().bootTimeout().plusSeconds(10));
    }

    /** As {@link #powerOn()}, failing with {@link LabException} past {@code deadline}. */
    public void powerOn(Duration deadline) {
        power.powerOn(deadline);
    }

    /** Waits until the host is up; fails fast when it is off, failed or closed, and past {@code deadline}. */
    public void awaitUp(Duration deadline) {
        power.awaitUp(deadline);
    }

    /** The next boot gets new host keys, as a reinstalled machine would; {@link #spec()} then shows the new one. */
    public void changeHostKeys() {
        keys.renewAtNextBoot();
    }

    // ---- faults ----------------------------------------------------------------------------

    /** Cuts the host's link: every packet to or from it is dropped, so connections time out. */
    @Override
    public void cutLink() {
        faults.cutLink();
    }

    /** Restores a link cut with {@link #cutLink()}. */
    @Override
    public void restoreLink() {
        faults.restoreLink();
    }

    /** Drops {@code percent} (0 to 100) of the packets the host sends and of those it gets, at random; 0 stops it. */
    public void dropPackets(int percent) {
        faults.dropPackets(percent);
    }

    /** Cuts the host off from {@code peer} only (both ways); other hosts and this machine still reach it. */
    public void cutFrom(LabHost peer) {
        faults.cutFrom(peer);
    }

    /** Undoes {@link #cutFrom(LabHost)}. */
    public void restoreFrom(LabHost peer) {
        faults.restoreFrom(peer);
    }

    /**
     * Cuts the host off from this machine only (its address on the bridge, {@link Lab#gateway()}),
     * both ways: other hosts still reach it, so this machine reaches it only through one of them,
     * as a host behind a jump host. Meanwhile {@link #exec}, which connects from this machine, fails.
     */
    public void cutFromMachine() {
        faults.cutFromMachine(lab.gateway());
    }

    /** Undoes {@link #cutFromMachine()}. */
    public void restoreFromMachine() {
        faults.restoreFromMachine(lab.gateway());
    }

    /** Limits what the host sends and what it gets to {@code bitsPerSecond} each (tc tbf). */
    public void limitBandwidth(long bitsPerSecond) {
        faults.limitBandwidth(bitsPerSecond);
    }

    /** Lifts a limit set with {@link #limitBandwidth(long)}. */
    public void removeBandwidthLimit() {
        faults.removeBandwidthLimit();
    }

    /** Lifts every fault: link cut, packet loss, peer cuts, bandwidth limit. Power stays as it is. */
    public void clearFaults() {
        faults.clear();
    }

    @Override
    public String toString() {
        return "LabHost[" + name + " " + address + " " + state() + "]";
    }

    // ---- internals --------------------------------------------------------------------------

    int index() {
        return index;
    }

    String namespace() {
        return namespace;
    }

    String veth() {
        return veth;
    }

    HostDir dir() {
        return dir;
    }

    Lab lab() {
        return lab;
    }

    /** Lays out the host's files and keys; the network is plugged by the lab. */
    void create(List<String> overlays, String clientPublicKey, String shim, String shimTargets, String sshdOptions, HostLimits limits) {
        dir.create(overlays, clientPublicKey, shim, shimTargets, sshdOptions, limits, HostPower.STOP);
        keys.write();
    }

    /** Starts the host's init: a new boot with a new boot id; the lab checks it in the background. */
    void startBoot() {
        power.startBoot();
    }

    /** Runs the safety check again now (before a host is handed out); a {@link LabException} when it does not pass. */
    void recheck(Duration deadline) {
        power.recheck(deadline);
    }

    /** Removes the host for good: its processes die; the lab removes its namespace. */
    void close() {
        power.close();
    }
}
