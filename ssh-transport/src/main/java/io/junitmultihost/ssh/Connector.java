package io.junitmultihost.ssh;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.ConfigRepository;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchUnknownHostKeyException;
import com.jcraft.jsch.OpenSSHConfig;
import com.jcraft.jsch.SSHAgentConnector;
import com.jcraft.jsch.Session;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Opens JSch sessions: credentials, host keys, keepalive, jump host, and a watchdog that bounds
 * connect + key exchange + authentication by the deadline. Turns JSch's failures into our
 * exceptions with sentences saying what to do. Retries, with backoff, only the failures that are
 * known to be transient (connection reset or closed during the handshake).
 */
final class Connector {

    private static final Logger LOG = LoggerFactory.getLogger("io.junitmultihost.ssh.connect");
    private static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    /** Supplies the (pooled) session of a jump host. */
    interface JumpSessions {
        Session session(SshTarget jumpTarget, Deadline deadline);
    }

    private final PoolSettings settings;
    private final ScheduledExecutorService timer;
    private final JumpSessions jumps;
    private final ConfigRepository openSshConfig;

    Connector(PoolSettings settings, ScheduledExecutorService timer, JumpSessions jumps) {
        this.settings = settings;
        this.timer = timer;
        this.jumps = jumps;
        this.openSshConfig = loadConfig(settings.openSshConfig());
    }

    private static ConfigRepository loadConfig(Path file) {
        if (file == null) {
            return null;
        }
        try {
            return OpenSSHConfig.parseFile(file.toString());
        } catch (IOException e) {
            throw new SshException("Could not read the OpenSSH config file [" + file + "]: " + e.getMessage()
                    + ". Fix the file or do not configure it.", e);
        }
    }

    /** A JSch instance holding the target's identities; one per target, as identities live on it. */
    JSch newJsch(SshTarget target) {
        JSch jsch = new JSch();
        jsch.setInstanceLogger(new JschLogger());
        if (openSshConfig != null) {
            jsch.setConfigRepository(openSshConfig);
        }
        try {
            if (target.identityFile() != null) {
                if (!Files.isReadable(target.identityFile())) {
                    throw new SshConnectException("Identity file [" + target.identityFile() + "] of host ["
                            + target.describe() + "] does not exist or is not readable. Fix the path in the target.");
                }
                jsch.addIdentity(target.identityFile().toString());
            } else {
                Path sshDir = Path.of(System.getProperty("user.home"), ".ssh");
                for (String name : DEFAULT_KEYS) {
                    Path key = sshDir.resolve(name);
                    if (Files.isReadable(key)) {
                        try {
                            jsch.addIdentity(key.toString());
                        } catch (JSchException e) {
                            LOG.debug("Skipping default key [{}]: {}", key, e.getMessage());
                        }
                    }
                }
            }
        } catch (JSchException e) {
            throw new SshConnectException("Could not load identity file [" + target.identityFile() + "] for host ["
                    + target.describe() + "]: " + e.getMessage()
                    + ". Use an unencrypted OpenSSH or PEM private key, or ssh-agent.", e);
        }
        String agentSocket = settings.agentSocket() != null ? settings.agentSocket().toString()
                : System.getenv("SSH_AUTH_SOCK");
        if (settings.useAgent() && agentSocket != null && !agentSocket.isBlank()) {
            try {
                AgentIdentityRepository agent = new AgentIdentityRepository(new SSHAgentConnector(Path.of(agentSocket)));
                jsch.setIdentityRepository(new CombinedIdentities(jsch.getIdentityRepository(), agent));
            } catch (Exception e) {
                LOG.debug("ssh-agent at [{}] is not usable: {}", agentSocket, e.toString());
            }
        }
        return jsch;
    }

    /** The known host keys for a target: its lines, else ~/.ssh/known_hosts (read once, never written). */
    HostKeyRepository knownHosts(SshTarget target, StringBuilder source) {
        JSch scratch = new JSch();
        try {
            if (!target.knownHosts().isEmpty()) {
                source.append(target.knownHostsFile() != null ? target.knownHostsFile().toString()
                        : "the known_hosts lines given to the target");
                String lines = String.join("\n", target.knownHosts()) + "\n";
                scratch.setKnownHosts(new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)));
            } else {
                Path file = Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
                source.append(file);
                if (Files.isReadable(file)) {
                    scratch.setKnownHosts(new ByteArrayInputStream(Files.readAllBytes(file)));
                }
            }
        } catch (JSchException | IOException e) {
            throw new SshConnectException("Could not read the known host keys (" + source + ") for host ["
                    + target.describe() + "]: " + e.getMessage() + ". Fix the known_hosts lines.", e);
        }
        return scratch.getHostKeyRepository();
    }

    /**
     * A connected, authenticated session within the deadline, or an {@link SshConnectException}.
     * {@code probing}: retried handshakes are logged at DEBUG, not WARN (reboot polls expect them).
     */
    Session connect(SshTarget target, JSch jsch, HostKeyRepository known, String knownSource, Deadline deadline,
            boolean probing) {
        return connect(target, jsch, known, knownSource, deadline, probing, null);
    }

    /**
     * As {@link #connect(SshTarget, JSch, HostKeyRepository, String, Deadline, boolean)}; the first
     * attempt goes over {@code banner} when one is given (a retry connects anew).
     */
    Session connect(SshTarget target, JSch jsch, HostKeyRepository known, String knownSource, Deadline deadline,
            boolean probing, BannerConnection banner) {
        int attempt = 1;
        while (true) {
            try {
                return connectOnce(target, jsch, known, knownSource, deadline, banner);
            } catch (TransientConnectFailure e) {
                Duration backoff = Duration.ofMillis(100L << Math.min(attempt - 1, 5));
                if (attempt >= settings.attempts() || deadline.remainingNanos() < backoff.toNanos()) {
                    throw new SshConnectException("Could not connect to host [" + target.describe() + "] within ["
                            + HumanDuration.of(deadline.budget()) + "]: the connection was dropped during the handshake " + attempt
                            + " time(s) (" + e.getCause().getMessage() + "). Check sshd's MaxStartups and logs.",
                            e.getCause());
                }
                LOG.atLevel(probing ? Level.DEBUG : Level.WARN).log("Connection to host [{}] was dropped during the"
                        + " handshake ({}); retrying in [{}] (attempt {} of {}).", target.describe(),
                        e.getCause().getMessage(), backoff, attempt + 1, settings.attempts());
                sleep(backoff);
                attempt++;
            }
        }
    }

    private Session connectOnce(SshTarget target, JSch jsch, HostKeyRepository known, String knownSource,
            Deadline deadline, BannerConnection banner) throws TransientConnectFailure {
        long started = System.nanoTime();
        CheckedHostKeys hostKeys = new CheckedHostKeys(known, target.strictHostKeyChecking(), knownSource);
        Session session;
        try {
            session = jsch.getSession(target.user(), target.host(), target.port());
        } catch (JSchException e) {
            throw new SshConnectException("Could not set up a session for host [" + target.describe() + "]: "
                    + e.getMessage() + ".", e);
        }
        session.setHostKeyRepository(hostKeys);
        session.setConfig("StrictHostKeyChecking", "yes"); // non-strict targets are accepted by CheckedHostKeys
        session.setConfig("HashKnownHosts", "no");
        CheckedAlgorithms.apply(session, openSshConfig != null);
        if (target.identityFile() != null && !(jsch.getIdentityRepository() instanceof CombinedIdentities)) {
            // One key to offer: sign at once instead of first asking whether the server would take it,
            // one round trip and one authorized_keys lookup on the host fewer per connection.
            session.setConfig("enable_pubkey_auth_query", "no");
        }
        session.setConfig("PreferredAuthentications",
                target.password() != null ? "publickey,keyboard-interactive,password" : "publickey");
        if (target.password() != null) {
            session.setPassword(target.password());
            session.setUserInfo(new PasswordOnly(target.password()));
        }
        session.setDaemonThread(true);
        session.setServerAliveCountMax(settings.keepAliveCountMax());
        String proxyJump = target.proxyJump();
        if (proxyJump == null && openSshConfig != null) {
            proxyJump = openSshConfig.getConfig(target.host()).getValue("ProxyJump");
            if ("none".equalsIgnoreCase(proxyJump)) {
                proxyJump = null;
            }
        }
        if (proxyJump != null) {
            if (banner != null) {
                banner.close(); // read from the jump host's side of things: not this connection's
            }
            session.setProxy(new JumpProxy(jumps.session(jumpTarget(target, proxyJump, openSshConfig), deadline)));
        } else if (banner != null) {
            try {
                BannerConnection.Streams streams = banner.take();
                if (streams != null) {
                    session.setProxy(new BannerProxy(streams));
                }
            } catch (IOException e) {
                banner.close(); // a socket that broke since its banner: connect anew
            }
        }
        Deadline connectDeadline = deadline.min(target.connectTimeout());
        if (proxyJump == null) {
            session.setSocketFactory(SessionSockets.factory(session, connectDeadline));
        }
        AtomicBoolean watchdogFired = new AtomicBoolean();
        ScheduledFuture<?> watchdog = timer.schedule(() -> {
            watchdogFired.set(true);
            session.disconnect();
        }, Math.max(1, connectDeadline.remainingNanos()), TimeUnit.NANOSECONDS);
        try {
            session.connect(connectDeadline.remainingMillisCapped(Integer.MAX_VALUE));
            session.setServerAliveInterval((int) Math.max(1, settings.keepAliveInterval().toMillis()));
        } catch (JSchException e) {
            session.disconnect();
            throw classify(target, hostKeys, e, watchdogFired.get(), connectDeadline);
        } catch (RuntimeException e) {
            // the watchdog's disconnect under JSch's handshake may surface as its own NullPointerException
            session.disconnect();
            if (watchdogFired.get()) {
                throw new SshConnectException(timeoutMessage(target, connectDeadline, "the handshake did not finish"), e);
            }
            throw e;
        } finally {
            watchdog.cancel(false);
        }
        if (watchdogFired.get() || !session.isConnected()) {
            session.disconnect();
            throw new SshConnectException(timeoutMessage(target, connectDeadline, "the handshake did not finish"));
        }
        LOG.debug("Connected to host [{}] in [{} ms].", target.describe(), (System.nanoTime() - started) / 1_000_000);
        return session;
    }

    private RuntimeException classify(SshTarget target, CheckedHostKeys hostKeys, JSchException e, boolean watchdog,
            Deadline deadline) {
        CheckedHostKeys.Offer offer = hostKeys.offer();
        if (e instanceof JSchChangedHostKeyException
                || (offer != null && offer.verdict() == HostKeyRepository.CHANGED && target.strictHostKeyChecking())) {
            return changedHostKey(target, hostKeys, offer, e);
        }
        if (e instanceof JSchUnknownHostKeyException
                || (offer != null && offer.verdict() == HostKeyRepository.NOT_INCLUDED
                        && target.strictHostKeyChecking())) {
            return unknownHostKey(target, hostKeys, offer, e);
        }
        String message = String.valueOf(e.getMessage());
        Throwable cause = rootCause(e);
        if (watchdog || deadline.expired()) {
            // the handshake was cut short by its deadline (under loss, JSch then reports "Auth fail"): not a refusal
            return new SshConnectException(timeoutMessage(target, deadline, "the handshake did not finish: " + message), e);
        }
        if (message.startsWith("Auth fail") || message.startsWith("Auth cancel") || message.startsWith("Partial Auth")) {
            return new SshConnectException("Host [" + target.describe() + "] refused authentication as user ["
                    + target.user() + "] with " + credentials(target) + ". Check that the matching public key is in"
                    + " ~" + target.user() + "/.ssh/authorized_keys on the host, or fix the target's identity file.",
                    e);
        }
        if (cause instanceof ConnectException) {
            return new SshConnectException("Host [" + target.describe() + "] refused the connection on port ["
                    + target.port() + "] (" + cause.getMessage() + "). Check that sshd runs and listens on ["
                    + target.address() + "].", e);
        }
        if (cause instanceof UnknownHostException) {
            return new SshConnectException("Host name [" + target.host() + "] of host [" + target.name()
                    + "] could not be resolved. Check the name in the inventory or use an address.", e);
        }
        if (cause instanceof NoRouteToHostException) {
            return new SshConnectException("There is no route to host [" + target.describe() + "] ("
                    + cause.getMessage() + "). Check the address and the network.", e);
        }
        if (watchdog || cause instanceof SocketTimeoutException || message.contains("timeout")
                || message.contains("timed out")) {
            return new SshConnectException(timeoutMessage(target, deadline, message), e);
        }
        if (isTransient(message, cause)) {
            return new TransientConnectFailure(e);
        }
        return new SshConnectException("Could not connect to host [" + target.describe() + "] within ["
                + HumanDuration.of(deadline.budget()) + "]: " + message + ".", e);
    }

    private static boolean isTransient(String message, Throwable cause) {
        String all = (message + " " + cause).toLowerCase(java.util.Locale.ROOT);
        return all.contains("connection reset") || all.contains("closed by foreign host")
                || all.contains("end of io stream read") || all.contains("broken pipe")
                || all.contains("session is down") || all.contains("connection closed");
    }

    private static String timeoutMessage(SshTarget target, Deadline deadline, String detail) {
        return "Could not connect to host [" + target.describe() + "] within [" + HumanDuration.of(deadline.budget()) + "] (" + detail
                + "). Check that the host is up and reachable, or raise the target's connect timeout.";
    }

    private static String credentials(SshTarget target) {
        List<String> ways = new ArrayList<>();
        ways.add(target.identityFile() != null ? "identity file [" + target.identityFile() + "]"
                : "the default keys (~/.ssh/id_ed25519, id_ecdsa, id_rsa and ssh-agent)");
        if (target.password() != null) {
            ways.add("a password");
        }
        return String.join(" and ", ways);
    }

    private static SshHostKeyException changedHostKey(SshTarget target, CheckedHostKeys hostKeys,
            CheckedHostKeys.Offer offer, JSchException e) {
        String offered = offer == null ? "unknown" : offer.type() + " " + offer.fingerprint();
        String expected = offer == null ? "unknown" : String.join(", ", offer.expectedFingerprints());
        String knownName = offer == null ? target.host() : offer.host();
        return new SshHostKeyException("Host [" + target.describe() + "] offered host key [" + offered
                + "], but [" + hostKeys.knownHostsSource() + "] expects [" + expected + "] for [" + knownName
                + "]: the host key has CHANGED. If the host was reinstalled or regenerated its keys, replace its"
                + " known_hosts entry (ssh-keygen -R '" + knownName + "'" + (file(target) == null ? ""
                        : " -f " + file(target)) + ", then ssh-keyscan -p " + target.port() + " " + target.host()
                + " and check the fingerprint" + (file(target) == null ? "; the lines come from code" : "") + ")"
                + settingNames(target) + "; otherwise someone may be intercepting the connection.",
                offer == null ? null : offer.fingerprint(), e);
    }

    private static SshHostKeyException unknownHostKey(SshTarget target, CheckedHostKeys hostKeys,
            CheckedHostKeys.Offer offer, JSchException e) {
        String offered = offer == null ? "unknown" : offer.type() + " " + offer.fingerprint();
        String knownName = offer == null ? target.host() : offer.host();
        return new SshHostKeyException("Host [" + target.describe() + "] offered host key [" + offered
                + "], which is not in [" + hostKeys.knownHostsSource() + "] for [" + knownName + "]. Check the"
                + " fingerprint, then " + addKey(target) + ".",
                offer == null ? null : offer.fingerprint(), e);
    }

    /** The known_hosts file in use, as a path to write in a shell command; null when the lines come from code. */
    private static String file(SshTarget target) {
        if (target.knownHostsFile() != null) {
            return target.knownHostsFile().toString();
        }
        return target.knownHosts().isEmpty() ? "~/.ssh/known_hosts" : null;
    }

    /** How to vouch for the key offered: append it to the file in use, or to the lines, or name another file. */
    private static String addKey(SshTarget target) {
        String keyscan = "ssh-keyscan -p " + target.port() + " " + target.host();
        String file = file(target);
        if (target.knownHostsSetting() == null) {
            return file == null ? "add its line (" + keyscan + ") to the target's known_hosts lines"
                    : "add the key (" + keyscan + " >> " + file + ") or pass its line to SshTarget.Builder.knownHosts";
        }
        if (target.knownHostsFile() != null) {
            return "add the key to that file (" + keyscan + " >> " + file + "), which [" + target.knownHostsSetting()
                    + "] names";
        }
        return "set [" + target.knownHostsSetting() + "] to a known_hosts file holding its line (" + keyscan
                + " > FILE)" + (file == null ? "" : ", or add the key to " + file + " (" + keyscan + " >> " + file + ")");
    }

    private static String settingNames(SshTarget target) {
        return target.knownHostsSetting() == null ? "" : " (the file is chosen by [" + target.knownHostsSetting() + "])";
    }

    /** {@code [user@]host[:port][,next...]}: the last hop is the one the target is reached through. */
    static SshTarget jumpTarget(SshTarget target, String proxyJump) {
        return jumpTarget(target, proxyJump, null);
    }

    /**
     * The last hop of a ProxyJump chain as a host of its own, as ssh_config has it: its user, key and
     * host-key rule come from the hop itself or its Host block in {@code config}, else the defaults
     * (the local user, the default keys and the agent, strict); never the target's password or key.
     * The known-hosts lines are shared, as ssh's one known_hosts is.
     *
     * @throws SshConnectException naming the host and the hop when the hop cannot be read
     */
    static SshTarget jumpTarget(SshTarget target, String proxyJump, ConfigRepository config) {
        String chain = proxyJump.trim();
        int comma = chain.lastIndexOf(',');
        String earlier = comma < 0 ? null : chain.substring(0, comma);
        String written = comma < 0 ? chain : chain.substring(comma + 1).trim();
        String hop = written.startsWith("ssh://") ? written.substring("ssh://".length()) : written;
        String user = null;
        int at = hop.lastIndexOf('@');
        if (at >= 0) {
            user = hop.substring(0, at);
            hop = hop.substring(at + 1);
        }
        String portText = null;
        String host = hop;
        if (hop.startsWith("[") && hop.indexOf(']') > 0) {
            int close = hop.indexOf(']');
            host = hop.substring(1, close);
            if (hop.length() > close + 1) {
                portText = hop.charAt(close + 1) == ':' ? hop.substring(close + 2) : hop.substring(close + 1);
            }
        } else {
            int colon = hop.lastIndexOf(':');
            if (colon >= 0 && hop.indexOf(':') == colon) {
                host = hop.substring(0, colon);
                portText = hop.substring(colon + 1);
            }
        }
        int port = 22;
        if (portText != null) {
            port = portText.matches("[0-9]{1,5}") ? Integer.parseInt(portText) : -1;
            if (port < 1 || port > 65535) {
                throw new SshConnectException("Host [" + target.describe() + "] has the ProxyJump hop [" + written
                        + "], whose port [" + portText + "] is not a number in 1..65535; write [user@]host[:port] in its"
                        + " inventory entry or SSH config.");
            }
        }
        if (host.isEmpty()) {
            throw new SshConnectException("Host [" + target.describe() + "] has the ProxyJump hop [" + written
                    + "], which names no host; write [user@]host[:port] (port in 1..65535) in its inventory entry or SSH config.");
        }
        ConfigRepository.Config hopConfig = config == null ? null : config.getConfig(host);
        if (user == null) {
            user = hopConfig != null && hopConfig.getUser() != null ? hopConfig.getUser() : System.getProperty("user.name");
        }
        String identity = hopConfig == null ? null : hopConfig.getValue("IdentityFile");
        String strict = hopConfig == null ? null : hopConfig.getValue("StrictHostKeyChecking");
        return SshTarget.builder("jump " + host + ":" + port, host).port(port).user(user)
                .identityFile(identity == null ? null : Path.of(identity.replaceFirst("^~(?=/)", System.getProperty("user.home"))))
                .knownHosts(target.knownHosts())
                .strictHostKeyChecking(strict == null || !List.of("no", "off", "accept-new").contains(strict.toLowerCase(java.util.Locale.ROOT)))
                .proxyJump(earlier).connectTimeout(target.connectTimeout()).build();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException("Interrupted while waiting to reconnect.", e);
        }
    }

    /** A failure JSch is known for under load, when nothing has run yet: worth another attempt. */
    static final class TransientConnectFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TransientConnectFailure(JSchException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
