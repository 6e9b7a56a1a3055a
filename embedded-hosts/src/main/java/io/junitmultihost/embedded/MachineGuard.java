package io.junitmultihost.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refuses command lines that would reboot, power off or suspend the machine the tests run on, or
 * signal every process on it: an embedded host runs its commands on this machine, so the host's
 * power shims (first on its PATH) are all that turn {@code reboot} into a reboot of the host.
 * Refused: power commands that bypass the shims (by path, through {@code sudo}, {@code su},
 * {@code doas}, {@code busybox}), {@code init N}, {@code telinit}, {@code kexec},
 * {@code systemctl} verbs and targets that reach the machine's systemd, {@code kill} of
 * {@code -1} or {@code 1}, {@code killall5}, and any mention of {@code /proc/sysrq-trigger} or
 * {@code /sys/power/state}; also inside {@code sh -c}, {@code su -c} and {@code eval}.
 *
 * <p>This reads the command line only, as a shell would split it; it stops accidents, not a
 * command that means to get past it. As root, commands also run without {@code CAP_SYS_BOOT}
 * ({@link Platform#withoutReboot}), which the kernel enforces.
 */
final class MachineGuard {

    /** The exit status of a refused command (the shell's "cannot execute"). */
    static final int EXIT_REFUSED = 126;

    private static final int SHOWN = 200;
    private static final Set<String> POWER = Set.of("reboot", "poweroff", "halt", "shutdown");
    private static final Set<String> PRIVILEGED = Set.of("sudo", "doas", "run0", "pkexec");
    private static final Set<String> SUDO_OPTIONS_WITH_VALUE = Set.of("-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T",
            "--user", "--group", "--chdir", "--host", "--prompt", "--role", "--type", "--other-user", "--command-timeout");
    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "zsh", "ksh", "ash", "mksh");
    private static final Set<String> PREFIXES = Set.of("nohup", "exec", "builtin", "time", "setsid", "nice", "ionice", "stdbuf",
            "timeout", "chroot", "xargs", "watch", "unbuffer", "setpriv", "unshare", "nsenter", "flock");
    private static final Set<String> RESERVED = Set.of("if", "then", "else", "elif", "fi", "do", "done", "while", "until", "{", "}",
            "!", "case", "esac", "in", "for", "select", "function");
    /** systemctl verbs the host's shim turns into a reboot or power-off of the host; refused only when they bypass the shim. */
    private static final Set<String> SHIMMED_VERBS = Set.of("reboot", "kexec", "soft-reboot", "poweroff", "halt");
    /** systemctl verbs the shim passes to the machine's systemctl, which would act on the machine. */
    private static final Set<String> MACHINE_VERBS = Set.of("suspend", "hibernate", "hybrid-sleep", "suspend-then-hibernate", "sleep",
            "emergency", "rescue", "default", "exit", "switch-root", "isolate");
    private static final Set<String> START_VERBS = Set.of("start", "restart", "reload-or-restart", "try-restart", "try-reload-or-restart",
            "enable", "reenable");
    private static final Pattern POWER_TARGET = Pattern.compile("(reboot|poweroff|halt|kexec|soft-reboot|ctrl-alt-del|suspend|hibernate"
            + "|hybrid-sleep|suspend-then-hibernate|sleep|emergency|rescue|exit|final|shutdown)\\.target");
    private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*", Pattern.DOTALL);
    private static final List<String> MACHINE_FILES = List.of("/proc/sysrq-trigger", "/sys/power/state");

    private MachineGuard() {
    }

    /**
     * Why {@code command} must not run on an embedded host, as a sentence naming it and saying
     * what to do instead; empty when it may run.
     */
    static Optional<String> refusal(String command) {
        return reason(command, false, 0).map(why -> "refused [" + shown(command) + "]: " + why + ". Embedded hosts run their commands on"
                + " this machine, so this would reach this machine, not the host. To reboot or power off the host use host.reboot() or"
                + " host.powerOff() (or a plain reboot, poweroff, shutdown or systemctl reboot on the host, which its shims turn into a"
                + " reboot of that host alone); to test real reboots use the lab provider (docs/LAB.md).");
    }

    private static Optional<String> reason(String command, boolean privileged, int depth) {
        for (String file : MACHINE_FILES) {
            if (command.contains(file)) {
                return Optional.of("it names [" + file + "], which acts on the whole machine (SysRq, suspend)");
            }
        }
        if (depth > 8) {
            return Optional.empty();
        }
        for (List<String> words : simpleCommands(command)) {
            Optional<String> why = check(words, privileged, depth);
            if (why.isPresent()) {
                return why;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> check(List<String> words, boolean privileged, int depth) {
        int i = 0;
        boolean qualified = false;
        while (i < words.size() && (RESERVED.contains(words.get(i)) || ASSIGNMENT.matcher(words.get(i)).matches())) {
            i++;
        }
        while (i < words.size()) {
            String word = words.get(i);
            String base = base(word);
            if (PRIVILEGED.contains(base)) {
                privileged = true;
                i++;
                while (i < words.size() && words.get(i).startsWith("-")) {
                    i += SUDO_OPTIONS_WITH_VALUE.contains(words.get(i)) ? 2 : 1;
                }
                while (i < words.size() && ASSIGNMENT.matcher(words.get(i)).matches()) {
                    i++;
                }
            } else if (base.equals("su")) {
                return commandOption(words, i + 1).flatMap(inner -> reason(inner, true, depth + 1));
            } else if (SHELLS.contains(base)) {
                final boolean asRoot = privileged;
                return commandOption(words, i + 1).flatMap(inner -> reason(inner, asRoot, depth + 1));
            } else if (base.equals("eval")) {
                return reason(String.join(" ", words.subList(i + 1, words.size())), privileged, depth + 1);
            } else if (base.equals("env")) {
                i++;
                while (i < words.size() && (words.get(i).startsWith("-") || ASSIGNMENT.matcher(words.get(i)).matches())) {
                    String option = words.get(i);
                    i += option.equals("-u") || option.equals("-C") || option.equals("-S") ? 2 : 1;
                }
            } else if (base.equals("command")) {
                if (i + 1 < words.size() && (words.get(i + 1).equals("-v") || words.get(i + 1).equals("-V"))) {
                    return Optional.empty(); // only looks the name up
                }
                i++;
            } else if (base.equals("busybox")) {
                qualified = true; // its applets are the real programs
                i++;
            } else if (PREFIXES.contains(base)) {
                i++;
                while (i < words.size() && words.get(i).startsWith("-")) {
                    String option = words.get(i);
                    i += option.equals("-n") || option.equals("-s") || option.equals("-k") || option.equals("-c") ? 2 : 1;
                }
                if ((base.equals("timeout") || base.equals("chroot")) && i < words.size()) {
                    i++; // the duration, or the new root
                }
            } else {
                break;
            }
        }
        if (i >= words.size()) {
            return Optional.empty();
        }
        String program = words.get(i);
        String base = base(program);
        List<String> args = words.subList(i + 1, words.size());
        qualified |= program.contains("/");
        if (POWER.contains(base) && (qualified || privileged)) {
            return Optional.of("[" + program + "] " + (qualified ? "by its path" : "through " + words.get(0))
                    + " bypasses the host's " + base + " shim and is this machine's own " + base);
        }
        if (base.equals("telinit") || base.equals("init") && !args.isEmpty()) {
            return Optional.of("[" + program + "] tells this machine's init to change its runlevel (0 powers off, 6 reboots)");
        }
        if (base.equals("kexec")) {
            return Optional.of("[kexec] boots this machine into another kernel");
        }
        if (base.equals("killall5")) {
            return Optional.of("[killall5] signals every process on this machine");
        }
        if (base.equals("systemctl")) {
            return systemctl(program, args, qualified || privileged);
        }
        if (base.equals("kill")) {
            return kill(args);
        }
        return Optional.empty();
    }

    private static Optional<String> systemctl(String program, List<String> args, boolean bypassesShim) {
        String verb = args.stream().filter(a -> !a.startsWith("-")).findFirst().orElse("");
        if (SHIMMED_VERBS.contains(verb) && bypassesShim) {
            return Optional.of("[" + program + " " + verb + "] bypasses the host's systemctl shim and reaches this machine's systemd");
        }
        if (MACHINE_VERBS.contains(verb)) {
            return Optional.of("[systemctl " + verb + "] acts on this machine's systemd");
        }
        if (START_VERBS.contains(verb)) {
            for (String arg : args) {
                if (POWER_TARGET.matcher(arg).matches()) {
                    return Optional.of("[systemctl " + verb + " " + arg + "] would take this machine to [" + arg + "]");
                }
            }
        }
        return Optional.empty();
    }

    /** {@code kill [-SIG | -s SIG | -n NUM] [--] target...}: refused for targets -1 (every process) and 1 (init). */
    private static Optional<String> kill(List<String> args) {
        if (args.size() == 1 && args.get(0).equals("-1")) {
            return Optional.of("[kill -1] reads as a signal to every process on this machine");
        }
        int i = 0;
        if (!args.isEmpty() && (args.get(0).equals("-s") || args.get(0).equals("-n"))) {
            i = 2;
        } else if (!args.isEmpty() && args.get(0).startsWith("-") && !args.get(0).equals("--")) {
            if (args.get(0).equals("-l") || args.get(0).equals("-L")) {
                return Optional.empty();
            }
            i = 1;
        }
        if (i < args.size() && args.get(i).equals("--")) {
            i++;
        }
        for (String target : args.subList(Math.min(i, args.size()), args.size())) {
            if (target.equals("-1")) {
                return Optional.of("[kill ... -1] signals every process on this machine that this user may signal");
            }
            if (target.equals("1")) {
                return Optional.of("[kill ... 1] signals this machine's init");
            }
        }
        return Optional.empty();
    }

    /** The argument of {@code -c} (or {@code --command}, or a cluster such as {@code -ec}) among the options from {@code from}. */
    private static Optional<String> commandOption(List<String> words, int from) {
        for (int i = from; i < words.size() - 1; i++) {
            String word = words.get(i);
            if (word.equals("--command") || word.startsWith("-") && !word.startsWith("--") && word.indexOf('c') > 0) {
                for (int j = i + 1; j < words.size(); j++) {
                    if (!words.get(j).startsWith("-")) {
                        return Optional.of(words.get(j));
                    }
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static String base(String word) {
        return word.substring(word.lastIndexOf('/') + 1);
    }

    /**
     * Splits a command line into simple commands, each a list of words with quotes removed:
     * separated by {@code ; & | ( ) newline}, and command substitutions ({@code $(} and backquotes)
     * start new ones. Redirection targets and comments are left out.
     */
    static List<List<String>> simpleCommands(String line) {
        List<List<String>> commands = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        boolean redirect = false;
        int n = line.length();
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                end = end < 0 ? n : end;
                word.append(line, i + 1, end);
                inWord = true;
                i = end;
            } else if (c == '"') {
                int j = i + 1;
                while (j < n && line.charAt(j) != '"') {
                    char d = line.charAt(j);
                    if (d == '\\' && j + 1 < n) {
                        word.append(line.charAt(++j));
                    } else if (d == '`' || d == '$' && j + 1 < n && line.charAt(j + 1) == '(') {
                        break; // a command substitution inside quotes: the word ends, a new command starts
                    } else {
                        word.append(d);
                    }
                    j++;
                }
                inWord = true;
                i = j < n && line.charAt(j) == '"' ? j : j - 1;
            } else if (c == '\\' && i + 1 < n) {
                if (line.charAt(i + 1) != '\n') {
                    word.append(line.charAt(i + 1));
                    inWord = true;
                }
                i++;
            } else if (c == '#' && !inWord) {
                while (i + 1 < n && line.charAt(i + 1) != '\n') {
                    i++;
                }
            } else if (c == '>' || c == '<') {
                if (inWord && word.chars().allMatch(Character::isDigit)) {
                    word.setLength(0); // the fd number of 2>file
                    inWord = false;
                }
                flush(words, word, inWord, redirect);
                inWord = false;
                while (i + 1 < n && "<>&|".indexOf(line.charAt(i + 1)) >= 0) {
                    i++;
                }
                redirect = true;
            } else if (c == '$' && i + 1 < n && line.charAt(i + 1) == '(' || c == '`' || ";&|()\n".indexOf(c) >= 0) {
                flush(words, word, inWord, redirect);
                inWord = false;
                redirect = false;
                if (!words.isEmpty()) {
                    commands.add(words);
                    words = new ArrayList<>();
                }
                if (c == '$') {
                    i++;
                }
            } else if (Character.isWhitespace(c)) {
                redirect = flush(words, word, inWord, redirect) ? false : redirect;
                inWord = false;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        flush(words, word, inWord, redirect);
        if (!words.isEmpty()) {
            commands.add(words);
        }
        return commands;
    }

    /** Ends the current word: kept unless it is a redirection's target. Returns whether there was a word. */
    private static boolean flush(List<String> words, StringBuilder word, boolean inWord, boolean redirect) {
        if (!inWord) {
            return false;
        }
        if (!redirect) {
            words.add(word.toString());
        }
        word.setLength(0);
        return true;
    }

    private static String shown(String command) {
        return command.length() <= SHOWN ? command : command.substring(0, SHOWN) + "... (" + command.length() + " characters)";
    }
}
