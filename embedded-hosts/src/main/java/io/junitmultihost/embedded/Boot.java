package io.junitmultihost.embedded;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One boot of a host: its boot id, the processes it started, and the environment its commands
 * get. A host's SSH server belongs to one boot, so a command can never outlive its boot unseen.
 */
record Boot(String host, String user, HostFiles files, String bootId, HostProcesses processes) {

    /** The name of the variable holding the host's name. */
    static final String HOST_VARIABLE = "MULTIHOST_HOST";
    /** The name of the variable naming the file that sets the command line of the next boots. */
    static final String NEXT_CMDLINE_VARIABLE = "MULTIHOST_NEXT_CMDLINE";
    /**
     * Variables naming the files that stand for {@code /proc/sys/kernel/random/boot_id} and
     * {@code /proc/cmdline} on this host: the engine's boot read redirects from them, where the
     * {@code cat} shims cannot map a path.
     */
    static final String BOOT_ID_FILE_VARIABLE = "MULTIHOST_BOOT_ID_FILE";
    static final String CMDLINE_FILE_VARIABLE = "MULTIHOST_CMDLINE_FILE";

    /**
     * The environment of a command: a login-like one for this host (as sshd builds it: HOME, USER,
     * LOGNAME, SHELL, PATH with the host's shims first, SSH_CONNECTION), the JVM's locale and time
     * zone, then whatever the client sent, which wins.
     */
    Map<String, String> environment(Map<String, String> sent, SocketAddress client, SocketAddress server) {
        Map<String, String> env = new LinkedHashMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.equals("LANG") || name.equals("TZ") || name.startsWith("LC_")) {
                env.put(name, value);
            }
        });
        env.put("HOME", files.home().toString());
        env.put("USER", user);
        env.put("LOGNAME", user);
        env.put("SHELL", "/bin/sh");
        env.put("PATH", files.bin() + ":" + Platform.jvmPath());
        env.put(HOST_VARIABLE, host);
        env.put(NEXT_CMDLINE_VARIABLE, files.nextCmdlineFile().toString());
        env.put(BOOT_ID_FILE_VARIABLE, files.bootIdFile().toString());
        env.put(CMDLINE_FILE_VARIABLE, files.cmdlineFile().toString());
        if (client instanceof InetSocketAddress c && server instanceof InetSocketAddress s) {
            String from = c.getAddress().getHostAddress() + " " + c.getPort();
            env.put("SSH_CLIENT", from + " " + s.getPort());
            env.put("SSH_CONNECTION", from + " " + s.getAddress().getHostAddress() + " " + s.getPort());
        }
        sent.forEach((name, value) -> {
            if (name != null && value != null && !name.isEmpty()) {
                env.put(name, value);
            }
        });
        return env;
    }
}
