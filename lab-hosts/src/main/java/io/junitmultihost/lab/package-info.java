/**
 * The lab host provider ({@code multihost.provider=lab}; Linux, root): real OpenSSH hosts on this
 * machine, one per network namespace on a private bridge, each with its own PID, mount, UTS and
 * IPC namespaces, boot id, kernel command line and writable filesystem, a reboot that reaches
 * only that host, and faults (link cut, packet loss, per-peer cuts, bandwidth limits, crash,
 * power). See docs/LAB.md.
 *
 * <p>Public: {@link io.junitmultihost.lab.LabHostProviderFactory} (found by ServiceLoader, with the
 * configuration keys), and {@link io.junitmultihost.lab.Lab}, {@link io.junitmultihost.lab.LabHost},
 * {@link io.junitmultihost.lab.LabOptions}, {@link io.junitmultihost.lab.DownMode} and
 * {@link io.junitmultihost.lab.LabException} for tests and benchmarks that drive a lab directly.
 */
package io.junitmultihost.lab;
