package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.ssh.ShellQuote;
import java.util.regex.Pattern;

/**
 * The shell text behind detached processes. Each lives in {@code ~/.junit-multihost/processes/<id>/}
 * on its host: {@code boot_id} and {@code started} (epoch seconds) written at start, {@code pid}
 * (its process group, made by {@code setsid}), {@code out} and {@code err}, and {@code exit} with
 * {@code ended} once it exits. A wrapper shell waits for the command to write {@code exit}; it
 * ignores SIGHUP (so does the command, which inherits that) and outlives the signals it relays to
 * the group, so a command ended by TERM still leaves its status (143).
 */
final class DetachedScripts {

    static final Pattern ID = Pattern.compile("p[0-9a-f]{12}");

    private static final String WRAPPER = "trap '' HUP; trap : INT QUIT TERM USR1 USR2 ALRM;"
            + " date +%s > \"$1/started\"; echo $$ > \"$1/pid.tmp\" && mv \"$1/pid.tmp\" \"$1/pid\";"
            + " c=$(cat \"$1/script\"); rm -f \"$1/script\";"
            + " sh -c \"$c\" < /dev/null > \"$1/out\" 2> \"$1/err\"; s=$?;"
            + " date +%s > \"$1/ended\"; echo $s > \"$1/exit.tmp\" && mv \"$1/exit.tmp\" \"$1/exit\"";

    private DetachedScripts() {
    }

    static String dir(String id) {
        return "\"$HOME/.junit-multihost/processes/" + requireId(id) + "\"";
    }

    static String requireId(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("[" + id + "] is not the id of a detached process (p and 12 hex digits).");
        }
        return id;
    }

    /**
     * Starts the script it reads on stdin detached and prints its process group id, or exits 9x
     * saying why not. The script comes on stdin so that it is quoted for no shell on the way.
     */
    static String start(String id, String shown) {
        return "d=" + dir(id) + "\n"
                + "command -v setsid >/dev/null 2>&1 || { echo 'this host has no setsid, which detached processes need"
                + " (util-linux or busybox)' >&2; exit 94; }\n"
                + "mkdir -p \"$d\" || exit 96\n"
                + "cat /proc/sys/kernel/random/boot_id > \"$d/boot_id\" || exit 95\n"
                + "printf '%s' " + ShellQuote.quote(shown) + " > \"$d/command\"\n"
                + "(umask 077 && cat > \"$d/script\") || exit 96\n"
                + "setsid sh -c " + ShellQuote.quote(WRAPPER) + " mh-detached \"$d\""
                + " < /dev/null > /dev/null 2>&1 &\n"
                + "i=0\n"
                + "while [ ! -s \"$d/pid\" ]; do i=$((i+1)); [ $i -le 1000 ] || exit 97; sleep 0.01 2>/dev/null || sleep 1;"
                + " done\n"
                + "cat \"$d/pid\"\n";
    }

    /**
     * Prints the process's state as lines {@code key value}: {@code start} and {@code now} boot ids,
     * {@code pid}, {@code started}, then {@code exit N}, {@code running} or {@code gone}, then
     * {@code command} followed by the command text. Prints {@code missing} alone when there is no such
     * process. With {@code waitTenths} > 0, first waits that long for it to end.
     */
    static String status(String id, int waitTenths) {
        return "d=" + dir(id) + "\n"
                + "[ -d \"$d\" ] || { echo missing; exit 0; }\n"
                + "p=$(cat \"$d/pid\" 2>/dev/null)\n"
                + "i=0\n"
                + "while [ $i -lt " + waitTenths + " ] && [ ! -f \"$d/exit\" ] && kill -0 \"$p\" 2>/dev/null; do"
                + " sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done\n"
                + "echo \"start $(cat \"$d/boot_id\" 2>/dev/null)\"\n"
                + "echo \"now $(cat /proc/sys/kernel/random/boot_id 2>/dev/null)\"\n"
                + "echo \"pid $p\"\n"
                + "echo \"started $(cat \"$d/started\" 2>/dev/null)\"\n"
                + "echo \"ended $(cat \"$d/ended\" 2>/dev/null)\"\n"
                + "if [ -f \"$d/exit\" ]; then echo \"exit $(cat \"$d/exit\")\";"
                + " elif kill -0 \"$p\" 2>/dev/null; then echo running; else echo gone; fi\n"
                + "echo command; cat \"$d/command\" 2>/dev/null\n";
    }

    /** Prints the last {@code limit} bytes of the process's stdout or stderr file. */
    static String tail(String id, String stream, int limit) {
        return "tail -c " + limit + " " + dir(id) + "/" + stream + " 2>/dev/null; true";
    }

    /** Removes the process's directory (only ours: the id's pattern is checked). */
    static String remove(String id) {
        return "rm -rf -- " + dir(id);
    }
}
