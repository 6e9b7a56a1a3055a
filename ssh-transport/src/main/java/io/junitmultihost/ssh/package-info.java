/**
 * The SSH layer: pooled JSch connections to hosts, with a deadline on every call. Knows nothing of
 * JUnit.
 *
 * <p>Entry point: {@link io.junitmultihost.ssh.SshPool}, one per test run. A host is reached
 * through {@link io.junitmultihost.ssh.SshPool#host(SshTarget)}: one SSH session per host, opened
 * on first use, replaced when it dies, with a channel per call. Commands are
 * {@link io.junitmultihost.ssh.RemoteCommand}s whose argv the library quotes; on deadline a
 * command's remote process group and tree are ended. Also here: streaming and asynchronous
 * commands ({@link io.junitmultihost.ssh.RemoteProcess}), SFTP transfer, local and remote port
 * forwarding ({@link io.junitmultihost.ssh.PortForward}), fan-out over many hosts
 * ({@link io.junitmultihost.ssh.SshPool#execEach}) and the resident host agent
 * ({@link io.junitmultihost.ssh.HostAgent}). Failures are {@link io.junitmultihost.ssh.SshException}s
 * whose messages name the host, the command and the deadline.
 *
 * <p>Loggers: {@code io.junitmultihost.ssh.connect}, {@code .pool}, {@code .exec}, {@code .sftp},
 * {@code .forward}, {@code .agent}, {@code .hostkeys}; JSch's own messages at DEBUG under
 * {@code io.junitmultihost.ssh.jsch}.
 */
package io.junitmultihost.ssh;
