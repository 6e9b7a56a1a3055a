package io.junitmultihost.ssh;

/**
 * What a deadline message advises. A command ends when its output does, not when its shell exits:
 * a job started with {@code &} that keeps the channel's stdout or stderr keeps the command running
 * until the deadline - the commonest surprise of remote commands, so the message says so.
 */
final class BackgroundHint {

    /** What to write instead, in the message. */
    static final String INSTEAD = "start it with its own output and input, e.g. [nohup CMD > CMD.log 2>&1 < /dev/null &]";

    private BackgroundHint() {
    }

    /**
     * @param shellExited the command's shell was seen gone (the kill script, or an exit status sshd
     *     sent while the output stayed open)
     * @param exitStatus the exit status sshd sent, or -1
     * @param looked whether the kill script looked at the command's processes (and so would have
     *     seen its shell gone)
     */
    static String advice(RemoteCommand command, boolean shellExited, int exitStatus, boolean looked) {
        if (shellExited) {
            return "Its shell had exited" + (exitStatus >= 0 ? " with status [" + exitStatus + "]" : "")
                    + ", but a process it started in the background still held the command's output open, and a"
                    + " command ends only when its output is closed: " + INSTEAD + ".";
        }
        if (command.startsBackgroundJob() && !looked) {
            return "It starts a process in the background (&); if that process keeps the command's output open,"
                    + " the command ends only when that process does, which is the likely cause: " + INSTEAD + ".";
        }
        return "Raise the deadline or find out why the command hangs.";
    }
}
