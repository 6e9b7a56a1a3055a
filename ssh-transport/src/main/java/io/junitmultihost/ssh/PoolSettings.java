package io.junitmultihost.ssh;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The tunables of one {@link SshPool}; defaults in {@link SshPool.Builder}.
 *
 * @param keepAliveInterval how often an idle session is probed (also JSch's socket read timeout)
 * @param keepAliveCountMax unanswered probes after which the session counts as dead
 * @param maxCapturedBytes bytes kept per stream of a command; the rest is counted and dropped
 * @param channelOpenTimeout how long opening a channel on an open session may take
 * @param killGrace time between TERM and KILL when a command outlives its deadline
 * @param attempts how often a step that certainly did not run a command is tried (connect, channel open)
 * @param openSshConfig ~/.ssh/config-style file to apply, or null
 * @param useAgent whether ssh-agent identities are offered
 * @param agentSocket the ssh-agent socket, or null for SSH_AUTH_SOCK
 * @param fanOutThreads the bound on threads of fan-out calls
 */
record PoolSettings(
        Duration keepAliveInterval,
        int keepAliveCountMax,
        long maxCapturedBytes,
        Duration channelOpenTimeout,
        Duration killGrace,
        int attempts,
        Path openSshConfig,
        boolean useAgent,
        Path agentSocket,
        int fanOutThreads) {
}
