package io.junitmultihost.engine.internal.reboot;

import io.junitmultihost.ssh.RemoteResult;
import io.junitmultihost.ssh.ShellQuote;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The script that asks a host to reboot. The reboot command runs detached (its own stdin and
 * output, SIGHUP ignored: no {@code nohup}, which busybox systems and appliances may lack) after a
 * short sleep, so the asking call returns before the host goes down. The script then watches it for
 * a moment: a command that fails early (not found, not permitted) is reported at once with its
 * output, not at the down timeout. An exit by a signal (above 128) is what going down does to it,
 * not a failure. Needs a POSIX {@code sh}; {@code mktemp} or a writable {@code /tmp} for the early
 * report (without either, the command still runs, unwatched).
 */
final class RebootRequest {

    /** The line the detached command's shell writes when the command ended. */
    private static final Pattern EXIT = Pattern.compile("(?m)^multihost-reboot-exit ([0-9]+)$");

    private RebootRequest() {
    }

    static String script(String command) {
        String detached = ShellQuote.quote("sleep 0.2; " + command);
        // The command's output goes to a file unlinked at once (read through fd 4), so nothing is left
        // on disk even when the host going down kills this script while it watches.
        return "d=$(mktemp -d 2>/dev/null) || { d=${TMPDIR:-/tmp}/.multihost-reboot-$$; mkdir -m 700 \"$d\" 2>/dev/null"
                + " || d=; }\n"
                + "if [ -z \"$d\" ]; then (trap '' HUP; exec sh -c " + detached + ") </dev/null >/dev/null 2>&1 & exit 0; fi\n"
                + ": >\"$d/out\" && exec 3>>\"$d/out\" 4<\"$d/out\"\n"
                + "rm -rf \"$d\"\n"
                + "(trap '' HUP; sh -c " + detached + "; echo \"multihost-reboot-exit $?\") </dev/null >&3 2>&3 4<&- &\n"
                + "exec 3>&-\n"
                + "seen=\n"
                + "i=0\n"
                + "while [ $i -lt 15 ]; do\n"
                + "  seen=\"$seen\n$(cat <&4)\"\n"
                + "  case $seen in *multihost-reboot-exit*) break ;; esac\n"
                + "  sleep 0.1 2>/dev/null || break\n"
                + "  i=$((i+1))\n"
                + "done\n"
                + "printf '%s\\n' \"$seen\"\n"
                + "exit 0\n";
    }

    /** {@code exit [127], output [sh: 1: rebot: not found]} when the command failed early; else empty. */
    static Optional<String> failure(RemoteResult asked) {
        String seen = asked.stdoutText();
        Matcher m = EXIT.matcher(seen);
        if (!m.find()) {
            return Optional.empty(); // still running when the watch ended: the host is going down
        }
        int status = Integer.parseInt(m.group(1));
        if (status == 0 || status > 128) {
            return Optional.empty(); // done, or killed by a signal as the host went down
        }
        String output = EXIT.matcher(seen).replaceAll("").strip();
        return Optional.of("exit [" + status + "], output [" + BootReading.shorten(output) + "]");
    }
}
