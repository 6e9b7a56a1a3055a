/**
 * The embedded host provider ({@code multihost.provider=embedded}, the default): SSH servers
 * (Apache MINA SSHD) inside the test JVM on 127.0.0.1, one per simulated host.
 *
 * <p>What is per host, and what is not: each host has its own name, port, host key, home
 * directory (the working directory of its commands and SFTP), environment ({@code HOME},
 * {@code USER}, {@code MULTIHOST_HOST}, {@code PATH} with the host's shim directory first), its
 * own boot id and kernel command line (served by shims for {@code cat}, {@code head},
 * {@code tail}, {@code grep}, {@code sed}, {@code awk}, {@code cut} and by SFTP), and its own
 * power: {@code reboot}, {@code shutdown}, {@code systemctl reboot|poweroff|halt},
 * {@code poweroff} and {@code halt} take only that host down and kill only the processes it
 * started. Everything else is the machine the tests run on: commands run as the current user in
 * a real {@code /bin/sh} on the real filesystem, so hosts share {@code /tmp}, the network
 * namespace (every host is 127.0.0.1), the kernel and {@code uname}. A shell redirection such as
 * {@code $(< /proc/cmdline)} or {@code read x < /proc/cmdline} bypasses the shims and sees the
 * real machine's values.
 *
 * <p>Only {@link io.junitmultihost.embedded.EmbeddedHostProviderFactory} is public.
 */
package io.junitmultihost.embedded;
