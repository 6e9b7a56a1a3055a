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

    /** What the script prints on stdout when the command failed early. */
    private static final Pattern FAILED = Pattern.compile("(?m)^multihost-reboot-failed ([0-9]+)$");

    private RebootRequest() {
    }

    static String script(String command) {
        String detached = ShellQuote.quote("sleep 0.2; " + command);
        return "d=$(mktemp -d 2>/dev/null) || { d=${TMPDIR:-/tmp}/.multihost-reboot-$$; mkdir -m 700 \"$d\" 2>/dev/null"
                + " || d=; }\n"
                + "if [ -z \"$d\" ]; then (trap '' HUP; exec sh -c " + detached + ") </dev/null >/dev/null 2>&1 & exit 0; fi\n"
                + "(trap '' HUP; sh -c " + detached + "; echo $? >\"$d/status\") </dev/null >\"$d/out\" 2>&1 &\n"
                + "i=0\n"
                + "while [ $i -lt 15 ] && [ ! -s \"$d/status\" ]; do sleep 0.1 2>/dev/null || break; i=$((i+1)); done\n"
                + "s=$(cat \"$d/status\" 2>/dev/null)\n"
                + "if [ -n \"$s\" ] && [ \"$s\" -ge 1 ] 2>/dev/null && [ \"$s\" -le 128 ]; then\n"
                + "  echo \"multihost-reboot-failed $s\"; cat \"$d/out\" >&2\n"
                + "fi\n"
                + "rm -rf \"$d\"\n"
                + "exit 0\n";
    }

    /** {@code exit [127], output [sh: 1: rebot: not found]} when the command failed early; else empty. */
    static Optional<String> failure(RemoteResult asked) {
        Matcher m = FAILED.matcher(asked.stdoutText());
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of("exit [" + m.group(1) + "], output [" + BootReading.shorten(asked.stderrText().strip()) + "]");
    }
}
