/**
 * The SSH layer: pooled JSch connections to hosts, commands with a deadline on every call, file
 * transfer and port forwarding. Knows nothing of JUnit.
 *
 * <p>Entry point: {@link io.junitmultihost.ssh.SshPool}; a host is reached through
 * {@link io.junitmultihost.ssh.SshPool#host(SshTarget)}; commands are
 * {@link io.junitmultihost.ssh.RemoteCommand}s whose arguments the library quotes.
 */
package io.junitmultihost.ssh;
