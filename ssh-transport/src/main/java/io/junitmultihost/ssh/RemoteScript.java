package io.junitmultihost.ssh;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The shell text we send to sshd. A command runs in its own process group, whose id it first
 * reports on stderr, so that on deadline the group and the process tree can be ended from a second
 * channel - sshd does not signal a command when its channel closes.
 */
final class RemoteScript {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** The exit status of {@link #killTree} when the command's shell was gone but its background jobs ran. */
    static final int SHELL_GONE = 3;

    private RemoteScript() {
    }

    /** A fresh marker for one command; a nonce so that no command output can imitate it. */
    static String newMarker() {
        byte[] nonce = new byte[8];
        RANDOM.nextBytes(nonce);
        return "JMH-PGID-" + HexFormat.of().formatHex(nonce);
    }

    /**
     * The command line for sshd's exec request, run by the user's login shell (POSIX-like: sh,
     * bash, dash, ksh, zsh). sshd makes that shell a session and process group leader; it reports
     * its pid on stderr, then runs the command, so the whole command runs in process group
     * {@code $$}. Every argument, value and directory is quoted exactly once: an argv command runs
     * in the login shell itself, a script as the one argument of {@code sh -c}, and through
     * {@code sudo} the values travel as positional parameters of a fixed script.
     */
    static String wrap(RemoteCommand command, String marker) {
        StringBuilder line = new StringBuilder("printf '%s %s\\n' ").append(marker).append(" \"$$\" >&2\n");
        if (!command.hasStdin()) {
            line.append(SESSION_WATCH);
        }
        List<String> argv = command.argvList() != null ? command.argvList()
                : List.of("sh", "-c", command.script());
        if (command.user() == null) {
            if (!command.env().isEmpty()) {
                line.append("export");
                command.env().forEach((name, value) -> line.append(' ').append(name).append('=')
                        .append(ShellQuote.quote(value)));
                line.append('\n');
            }
            if (command.directory() != null) {
                line.append("cd -- ").append(ShellQuote.quote(command.directory())).append(" || exit\n");
            }
            if (command.argvList() != null) {
                return line.append(ShellQuote.join(argv)).toString();
            }
            return line.append("exec ").append(ShellQuote.join(argv)).toString();
        }
        // sudo resets the environment and the directory: a fixed script sets both from its arguments.
        line.append("exec sudo -n -u ").append(ShellQuote.quote(command.user())).append(" -- sh -c ")
                .append(ShellQuote.quote(AS_USER)).append(" sh ")
                .append(ShellQuote.quote(command.directory() == null ? "" : command.directory()))
                .append(' ').append(command.env().size());
        command.env().forEach((name, value) -> line.append(' ').append(ShellQuote.quote(name + "=" + value)));
        return line.append(' ').append(ShellQuote.join(argv)).toString();
    }

    /**
     * Ends the command once its SSH session is gone while it runs: sshd signals nothing when its
     * client goes (a killed test JVM, a dead link) or when sshd itself is killed. The client sends
     * nothing on the channel's stdin and never closes it, so a watcher reading it (as fd 3: a
     * background job's stdin is /dev/null) sees end of file only when sshd closes the channel (the
     * client closed it, or the command's shell exited and was reaped) or dies. Then, if the shell
     * still runs, its tree and process group are ended as {@link #killTree} does (by tree too:
     * dropbear does not make the shell a group leader), the watcher itself spared. The command
     * reads /dev/null. For POSIX sh, busybox ash and dash alike; one fork per command, no polling.
     */
    static final String SESSION_WATCH = "exec 3<&0 </dev/null\n"
            + "(read -r _ <&3; kill -0 $$ 2>/dev/null || exit 0; trap '' TERM\n"
            + "me=; read -r me _ </proc/self/stat 2>/dev/null\n"
            + "p=$$\n"
            + killTreeOf("$p", 10)
            + ") >/dev/null 2>&1 &\n"
            + "exec 3<&-\n";

    /** Run through sudo: $1 the directory (empty: home), $2 how many NAME=VALUE follow, then the argv. */
    private static final String AS_USER = "d=$1; n=$2; shift 2; [ -z \"$d\" ] || cd -- \"$d\" || exit\n"
            + "while [ \"$n\" -gt 0 ]; do export \"$1\"; shift; n=$((n - 1)); done\n"
            + "exec \"$@\"";

    /**
     * The longest exec request line: sshd runs it as the one argument of {@code $SHELL -c}, and
     * Linux limits one argument to 32 pages (MAX_ARG_STRLEN, 131072 bytes with its NUL). sshd's
     * own packet limit (256 KiB) is above it; past that limit sshd drops the whole connection.
     */
    static final int MAX_LINE_BYTES = 131_071;

    /**
     * The exec request's bytes; refuses a command that cannot fit before anything is sent.
     *
     * @throws IllegalArgumentException the command is too large for a command line
     */
    static byte[] wrapChecked(RemoteCommand command, String marker, SshTarget target) {
        byte[] line = wrap(command, marker).getBytes(StandardCharsets.UTF_8);
        if (line.length > MAX_LINE_BYTES) {
            throw new IllegalArgumentException("Command [" + command.display() + "] for host [" + target.describe()
                    + "] is [" + line.length + "] bytes once quoted for the remote shell, over the [" + MAX_LINE_BYTES
                    + "] bytes a command line may hold (Linux's limit on one argument); it was not sent. Pass large"
                    + " data on stdin (withStdin) or upload it as a file.");
        }
        return line;
    }

    /**
     * {@link #killTree}, run only if process group {@code pid} has a process at least
     * {@code minAgeSeconds} old: a kill queued while the link was down must not hit a new process
     * group that took the same number after a reboot. Exits 0 without killing anything otherwise.
     */
    static String killTreeIfOlder(long pid, long minAgeSeconds, int graceTenths) {
        return "hz=$(getconf CLK_TCK 2>/dev/null); [ -n \"$hz\" ] || hz=100\n"
                + "read -r up rest < /proc/uptime || exit 0\n"
                + "up=${up%.*}; old=0\n"
                + "for f in /proc/[0-9]*/stat; do\n"
                + "  { read -r l < \"$f\"; } 2>/dev/null || continue\n"
                + "  r=${l##*) }; set -- $r\n"
                + "  [ \"$3\" = " + pid + " ] || continue\n"
                + "  if [ $((up - ${20} / hz)) -ge " + minAgeSeconds + " ]; then old=1; break; fi\n"
                + "done\n"
                + "[ $old = 1 ] || exit 0\n"
                + killTree(pid, graceTenths);
    }

    /**
     * Ends process {@code pid}, its descendants and the members of process group {@code pid}: TERM,
     * then KILL after {@code graceTenths} tenths of a second. When we are not root, processes of other
     * users (a command run as another user) are signalled through {@code sudo -n}, ours without it.
     * The processes are found in /proc, ignoring zombies: where PID 1 does not reap orphans
     * (containers), {@code kill -0} would see them alive forever. Without /proc, only the group and
     * the process itself are signalled. Exits {@value #SHELL_GONE} when process {@code pid} itself
     * had already exited while others of its group or tree still ran (a background job), else 0.
     */
    static String killTree(long pid, int graceTenths) {
        return "me=\n" + killTreeOf(Long.toString(pid), graceTenths);
    }

    /** {@link #killTree} of the process whose pid {@code p} gives (a number or a variable), sparing process {@code $me}. */
    private static String killTreeOf(String p, int graceTenths) {
        return "K() { kill \"$@\" 2>/dev/null || { [ \"$(id -u)\" != 0 ] && sudo -n kill \"$@\" 2>/dev/null; }; }\n"
                + "tree() {\n"
                + "  if [ ! -r /proc/self/stat ]; then K -0 -" + p + " 2>/dev/null && echo -" + p
                + "; K -0 " + p + " 2>/dev/null && echo " + p + "; return; fi\n"
                + "  all=\n"
                + "  for f in /proc/[0-9]*/stat; do\n"
                + "    { read -r l < \"$f\"; } 2>/dev/null || continue\n"
                + "    r=${l##*) }; set -- $r\n"
                + "    [ \"$1\" = Z ] || all=\"$all ${l%% *}:$2:$3\"\n"
                + "  done\n"
                + "  list=' '; changed=1\n"
                + "  while [ $changed = 1 ]; do\n"
                + "    changed=0\n"
                + "    for e in $all; do\n"
                + "      q=${e%%:*}; rest=${e#*:}; pp=${rest%%:*}; pg=${rest#*:}\n"
                + "      case $list in *\" $q \"*) continue ;; esac\n"
                + "      [ \"$q\" = \"$me\" ] && continue\n"
                + "      if [ \"$q\" = " + p + " ] || [ \"$pg\" = " + p + " ]; then list=\"$list$q \"; changed=1; continue; fi\n"
                + "      case $list in *\" $pp \"*) list=\"$list$q \"; changed=1 ;; esac\n"
                + "    done\n"
                + "  done\n"
                + "  echo $list\n"
                + "}\n"
                + "t=$(tree); r=0\n"
                + "case \" $t \" in *\" " + p + " \"*) ;; *) [ -n \"$t\" ] && r=" + SHELL_GONE + " ;; esac\n"
                + "[ -n \"$t\" ] && K -TERM $t 2>/dev/null\n"
                + "i=0\n"
                + "while t=$(tree); [ -n \"$t\" ]; do\n"
                + "  i=$((i+1))\n"
                + "  if [ $i -gt " + graceTenths + " ]; then K -KILL $t 2>/dev/null; exit $r; fi\n"
                + "  sleep 0.1 2>/dev/null || sleep 1\n"
                + "done\n"
                + "exit $r\n";
    }
}
