package io.junitmultihost.ssh;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Commands that signal a remote process group and its descendants, for callers that hold a process
 * group id (a started command's {@link RemoteProcess#pid()}, a detached process's pid file).
 */
public final class ProcessGroups {

    private static final Pattern SIGNAL = Pattern.compile("[A-Z][A-Z0-9+-]{0,15}|[0-9]{1,2}");

    private ProcessGroups() {
    }

    /**
     * A command that ends process group {@code pgid}, its members and their descendants: TERM, then
     * KILL after {@code grace}. Exits 0 once none remains; through {@code sudo -n} when not root.
     */
    public static RemoteCommand killTree(long pgid, Duration grace) {
        requireGroup(pgid);
        return RemoteCommand.shell(RemoteScript.killTree(pgid, (int) Math.max(1, grace.toMillis() / 100)));
    }

    /**
     * A command that sends {@code signal} to process group {@code pgid}; exits non-zero when no
     * process of the group remains.
     *
     * @throws IllegalArgumentException {@code signal} is not a signal name (such as {@code TERM} or
     *     {@code SIGUSR1}) or number
     */
    public static RemoteCommand signal(long pgid, String signal) {
        requireGroup(pgid);
        return RemoteCommand.argv("kill", "-s", signalName(signal), "--", "-" + pgid);
    }

    /** {@code signal} without its {@code SIG} prefix, upper case; refused when not a signal's name or number. */
    public static String signalName(String signal) {
        String name = signal.strip().toUpperCase(Locale.ROOT);
        if (name.startsWith("SIG")) {
            name = name.substring(3);
        }
        if (!SIGNAL.matcher(name).matches()) {
            throw new IllegalArgumentException("[" + signal + "] is not a signal name (such as TERM, HUP, USR1, KILL)"
                    + " or number.");
        }
        return name;
    }

    private static void requireGroup(long pgid) {
        if (pgid <= 1) {
            throw new IllegalArgumentException("Process group [" + pgid + "] is not one a command of ours runs in.");
        }
    }
}
