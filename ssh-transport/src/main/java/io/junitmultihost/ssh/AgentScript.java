package io.junitmultihost.ssh;

/**
 * The resident agent: a POSIX sh loop, passed as the argument of {@code sh -c}, so nothing is
 * written to the host. The first line on stdin is a random boundary (not in its command line, where
 * other processes could read it). Requests are lines {@code ID OP [ARG]}; an {@code exec} request
 * is followed by ARG lines of script. Replies are frames {@code \nBOUNDARY ID KIND [VALUE]\n} on
 * stdout; a command's own output goes to stdout and stderr raw, and its end is marked by an
 * {@code end} frame on stderr and an {@code rc} frame on stdout. Hot calls use builtins only.
 */
final class AgentScript {

    private AgentScript() {
    }

    static final String SCRIPT = String.join("\n",
            "IFS= read -r B || exit 0",
            "m=$(uname -m 2>/dev/null)",
            "nl='",
            "'",
            "say() { printf '\\n%s %s %s\\n' \"$B\" \"$1\" \"$2\"; }",
            "while IFS= read -r line; do",
            "  id=${line%% *}; rest=${line#* }; op=${rest%% *}; arg=${rest#\"$op\"}; arg=${arg# }",
            "  case $op in",
            "  exec)",
            "    s=; i=0",
            "    while [ \"$i\" -lt \"$arg\" ]; do",
            "      IFS= read -r l || exit 0",
            "      if [ \"$i\" = 0 ]; then s=$l; else s=$s$nl$l; fi",
            "      i=$((i+1))",
            "    done",
            "    sh -c \"$s\" </dev/null &",
            "    p=$!",
            "    printf '\\n%s %s pid %s\\n' \"$B\" \"$id\" \"$p\" >&2",
            "    wait \"$p\" 2>/dev/null; rc=$?",
            "    printf '\\n%s %s end\\n' \"$B\" \"$id\" >&2",
            "    say \"$id\" \"rc $rc\" ;;",
            "  boot_id)",
            "    if IFS= read -r v < /proc/sys/kernel/random/boot_id; then say \"$id\" \"val $v\";"
                    + " else say \"$id\" \"err no boot_id\"; fi ;;",
            "  uname)",
            "    { IFS= read -r a < /proc/sys/kernel/ostype && IFS= read -r b < /proc/sys/kernel/hostname"
                    + " && IFS= read -r c < /proc/sys/kernel/osrelease && IFS= read -r d < /proc/sys/kernel/version; }"
                    + " 2>/dev/null && say \"$id\" \"val $a|$b|$c|$m|$d\" || say \"$id\" \"err no /proc/sys/kernel\" ;;",
            "  cmdline)",
            "    if IFS= read -r v < /proc/cmdline; then say \"$id\" \"val $v\"; else say \"$id\" \"err no cmdline\"; fi ;;",
            "  stat)",
            "    if v=$(stat -L -c '" + FileStat.STAT_FORMAT + "' -- \"$arg\" 2>/dev/null); then say \"$id\" \"val $v\";"
                    + " elif [ -e \"$arg\" ] || [ -L \"$arg\" ]; then say \"$id\" \"err stat failed\";"
                    + " else say \"$id\" \"val absent\"; fi ;;",
            "  ping) say \"$id\" \"val pong\" ;;",
            "  *) say \"$id\" \"err unknown request\" ;;",
            "  esac",
            "done",
            "");

    /** The command line for sshd: the agent under {@code sh}, replacing the login shell. */
    static String commandLine() {
        return "exec sh -c " + ShellQuote.quote(SCRIPT);
    }
}
