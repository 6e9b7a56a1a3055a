package io.junitmultihost.inventory;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.HostSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes an inventory's {@link HostEntry} into a {@link HostSpec} as {@code ssh ADDRESS} would:
 * the SSH config is looked up by the inventory's address (or the host's name when it gives none);
 * its HostName, if any, is where ssh connects; for user, port, identity and ProxyJump the
 * inventory's value wins, then the SSH config's, then the default (the local user, 22, ssh-agent
 * and default keys, none).
 */
final class HostSpecResolver {

    private static final Logger LOG = LoggerFactory.getLogger(HostSpecResolver.class);

    private final Path inventoryDir;
    private final SshConfig sshConfig;
    private final boolean strictHostKeyChecking;
    private final List<String> knownHosts;
    private final Path knownHostsFile;

    /**
     * @param knownHosts lines for every host, or null to take the SSH config's UserKnownHostsFile
     *     (and, failing that, leave the transport its default)
     * @param knownHostsFile where {@code knownHosts} were read from ({@link InventoryConstants#KNOWN_HOSTS}), or null
     */
    HostSpecResolver(Path inventoryDir, SshConfig sshConfig, boolean strictHostKeyChecking, List<String> knownHosts,
            Path knownHostsFile) {
        this.inventoryDir = inventoryDir;
        this.sshConfig = sshConfig;
        this.strictHostKeyChecking = strictHostKeyChecking;
        this.knownHosts = knownHosts;
        this.knownHostsFile = knownHostsFile;
    }

    HostSpec resolve(HostEntry e) {
        String alias = e.address() != null && e.address().present() ? e.address().text("address") : e.name();
        Setting inventoryUser = present(e.user()) ? e.user() : null;
        SshConfig.Resolved c = sshConfig.lookup(alias, inventoryUser != null ? inventoryUser.text("user") : null);

        String user = inventoryUser != null ? inventoryUser.text("user") : c.user() != null ? c.user().value() : LocalPaths.localUser();
        String address;
        if (c.hostName() != null) {
            address = SshTokens.expand(c.hostName().value(), Map.of('h', alias, 'n', alias), c.hostName().origin(), "HostName");
        } else if (present(e.address())) {
            address = alias;
        } else if (e.nameIsAddress()) {
            address = e.name();
        } else {
            throw e.origin().error("the host [" + e.name() + "] has no address; add [address: ...] to it"
                    + (sshConfig.file() != null ? ", or a [HostName] for [" + e.name() + "] to the SSH config [" + sshConfig.file() + "]."
                            : "."));
        }
        Setting portSetting = present(e.port()) ? e.port() : c.port();
        int port = portSetting == null ? 22 : port(portSetting, e.name());

        HostSpec.Builder spec = HostSpec.builder(e.name(), address).port(port).user(user)
                .strictHostKeyChecking(strictHostKeyChecking).roles(e.roles()).labels(e.labels());
        Path identity = present(e.identity()) ? inventoryIdentity(e) : configIdentity(c, address, alias, port, user, e.name());
        if (identity != null) {
            spec.identityFile(identity);
        }
        Setting jump = present(e.proxyJump()) ? e.proxyJump() : c.proxyJump();
        Setting command = c.proxyCommand();
        if (jump == null && command != null && !command.value().equalsIgnoreCase("none")) {
            LOG.warn("{}: host [{}] has ProxyCommand [{}], which the transport does not run, so it is connected to"
                    + " directly at [{}:{}]. Use ProxyJump if the host is only reachable through another, or set"
                    + " [ProxyCommand none] for it.", command.origin(), e.name(), command.value(), address, port);
        }
        if (jump != null && !jump.text("proxy_jump").equalsIgnoreCase("none")) {
            spec.proxyJump(proxyJump(jump));
        }
        if (knownHosts != null) {
            spec.knownHosts(knownHosts).knownHostsOrigin(knownHostsFile, InventoryConstants.KNOWN_HOSTS);
        } else {
            Path[] firstFile = new Path[1];
            spec.knownHosts(configKnownHosts(c, address, alias, port, user, firstFile));
            // a refused host key names the file to fix and the setting that chooses it
            spec.knownHostsOrigin(firstFile[0], firstFile[0] != null ? "UserKnownHostsFile at "
                    + c.userKnownHostsFile().origin() : InventoryConstants.KNOWN_HOSTS);
        }
        PowerCommands.of(e.name(), address, e.labels()).ifPresent(spec::control);
        if (present(e.rebootCommand())) {
            String reboot = e.rebootCommand().text("reboot_command").strip();
            if (reboot.isEmpty()) {
                throw e.rebootCommand().origin().error("the reboot command of host [" + e.name() + "] is empty; give a"
                        + " command such as [reboot -f], or leave the key out for multihost.reboot.command.");
            }
            spec.rebootCommand(reboot);
        }
        HostSpec built = spec.build();
        LOG.debug("Inventory host [{}] is {} (SSH config looked up as [{}]).", e.name(), built, alias);
        return built;
    }

    private static boolean present(Setting s) {
        return s != null && (s.present() || s.collection());
    }

    private static int port(Setting setting, String host) {
        String text = setting.text("port").strip();
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw setting.origin().error("the host [" + host + "] has the port [" + text + "]; write a number from 1 to 65535.");
    }

    private Path inventoryIdentity(HostEntry e) {
        Path file = LocalPaths.resolve(e.identity().text("identity"), inventoryDir);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw e.identity().origin().error("the identity file [" + file + "] of host [" + e.name() + "] "
                    + (Files.exists(file) ? "cannot be read; fix its permissions." : "does not exist; fix the path (relative paths are "
                    + "relative to the inventory's directory) or remove it to use ssh-agent and the default keys."));
        }
        return file;
    }

    /** The first IdentityFile of the SSH config that exists, as ssh tries them in order. */
    private Path configIdentity(SshConfig.Resolved c, String address, String alias, int port, String user, String host) {
        for (Setting s : c.identityFiles()) {
            if (s.value().equalsIgnoreCase("none")) {
                continue;
            }
            String text = SshTokens.expand(s.value(), tokens(s.value(), address, alias, port, user), s.origin(), "IdentityFile");
            Path file = LocalPaths.resolve(text, s.origin().file().toAbsolutePath().getParent());
            if (!Files.exists(file)) {
                LOG.debug("{}: IdentityFile [{}] for host [{}] does not exist; ssh would skip it too.", s.origin(), file, host);
                continue;
            }
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw s.origin().error("the identity file [" + file + "] for host [" + host + "] cannot be read; fix its permissions.");
            }
            return file;
        }
        return null;
    }

    /** The lines of the SSH config's UserKnownHostsFile files; {@code firstFile[0]}: the first one read, if any. */
    private List<String> configKnownHosts(SshConfig.Resolved c, String address, String alias, int port, String user,
            Path[] firstFile) {
        if (c.userKnownHostsFile() == null) {
            return List.of();
        }
        Setting s = c.userKnownHostsFile();
        List<String> lines = new ArrayList<>();
        for (String name : Shlex.split(s.value(), s.origin())) {
            if (name.equalsIgnoreCase("none")) {
                continue;
            }
            Path file = LocalPaths.resolve(SshTokens.expand(name, tokens(name, address, alias, port, user), s.origin(), "UserKnownHostsFile"),
                    s.origin().file().toAbsolutePath().getParent());
            if (Files.isRegularFile(file)) {
                if (firstFile[0] == null) {
                    firstFile[0] = file;
                }
                lines.addAll(readKnownHosts(file, "Bad " + s.origin() + ": UserKnownHostsFile"));
            }
        }
        return lines;
    }

    /** The entries of a known_hosts file, without blank lines and comments. */
    static List<String> readKnownHosts(Path file, String namedBy) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new ConfigurationException(namedBy + " [" + file + "] cannot be read (" + e + "); check the path and its permissions.", e);
        }
    }

    /** Each hop of a ProxyJump, completed from the SSH config as ssh would when connecting to it. */
    private String proxyJump(Setting jump) {
        List<String> hops = new ArrayList<>();
        for (String hop : jump.value().split(",")) {
            String h = hop.strip();
            if (h.startsWith("ssh://")) {
                h = h.substring("ssh://".length());
            }
            String user = null;
            int at = h.lastIndexOf('@');
            if (at >= 0) {
                user = h.substring(0, at);
                h = h.substring(at + 1);
            }
            String host = h;
            String port = null;
            if (h.startsWith("[") && h.contains("]")) {
                host = h.substring(1, h.indexOf(']'));
                String rest = h.substring(h.indexOf(']') + 1);
                port = rest.startsWith(":") ? rest.substring(1) : null;
            } else if (h.indexOf(':') >= 0 && h.indexOf(':') == h.lastIndexOf(':')) {
                host = h.substring(0, h.indexOf(':'));
                port = h.substring(h.indexOf(':') + 1);
            }
            if (host.isEmpty() || (port != null && !port.matches("\\d{1,5}"))) {
                throw jump.origin().error("cannot read the ProxyJump hop [" + hop.strip() + "]; write [user@host:port], user and port optional.");
            }
            SshConfig.Resolved c = sshConfig.lookup(host, user);
            String address = c.hostName() != null
                    ? SshTokens.expand(c.hostName().value(), Map.of('h', host, 'n', host), c.hostName().origin(), "HostName") : host;
            user = user != null ? user : c.user() != null ? c.user().value() : null;
            port = port != null ? port : c.port() != null ? Integer.toString(port(c.port(), host)) : null;
            String shown = address.contains(":") && port != null ? "[" + address + "]" : address;
            hops.add((user != null ? user + "@" : "") + shown + (port != null ? ":" + port : ""));
        }
        return String.join(",", hops);
    }

    /** The values of OpenSSH's tokens; the local host name only when asked for, since it may need DNS. */
    private static Map<Character, String> tokens(String text, String address, String alias, int port, String user) {
        Map<Character, String> tokens = new HashMap<>(Map.of('h', address, 'n', alias, 'p', Integer.toString(port), 'r', user,
                'u', LocalPaths.localUser(), 'd', LocalPaths.home().toString()));
        if (text.contains("%l")) {
            tokens.put('l', localHostName());
        }
        return tokens;
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName().split("\\.", 2)[0];
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
