package io.junitmultihost.ssh;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A command to run on a host: either an argv list, each element quoted by the library, or a raw
 * POSIX shell script, which is an explicit separate choice. Optional environment, working
 * directory, stdin and user (through {@code sudo -n}). Immutable; the with-ers return new
 * instances.
 *
 * <pre>{@code
 * RemoteCommand.argv("printf", "%s", userInput).withDirectory("/tmp").withEnv(Map.of("LC_ALL", "C"));
 * RemoteCommand.shell("ps -e | grep -c sshd");
 * }</pre>
 */
public final class RemoteCommand {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final byte[] NO_STDIN = new byte[0];
    /** How much of a command a message shows. */
    static final int DISPLAY_CHARS = 200;
    /** A lone {@code &}: not {@code &&}, {@code >&}, {@code <&}, {@code &>} or {@code |&}. */
    private static final Pattern BACKGROUND = Pattern.compile("(?<![&<>|])&(?![&>])");

    private final List<String> argv;
    private final String script;
    private final Map<String, String> env;
    private final String directory;
    private final byte[] stdin;
    private final String user;
    private final boolean idempotent;

    private RemoteCommand(List<String> argv, String script, Map<String, String> env, String directory, byte[] stdin,
            String user, boolean idempotent) {
        this.argv = argv;
        this.script = script;
        this.env = env;
        this.directory = directory;
        this.stdin = stdin;
        this.user = user;
        this.idempotent = idempotent;
    }

    /** A command given as argv; every element reaches the program verbatim. Not empty. */
    public static RemoteCommand argv(List<String> argv) {
        Objects.requireNonNull(argv, "argv");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("A command needs at least one argument (the program); got [].");
        }
        for (String argument : argv) {
            Objects.requireNonNull(argument, "argv element");
            ShellQuote.quote(argument); // rejects NUL now rather than at run time
        }
        return new RemoteCommand(List.copyOf(argv), null, Map.of(), null, NO_STDIN, null, false);
    }

    /** A command given as argv; every element reaches the program verbatim. Not empty. */
    public static RemoteCommand argv(String... argv) {
        return argv(List.of(argv));
    }

    /** A raw script for POSIX {@code sh -c}; the caller is responsible for its quoting. */
    public static RemoteCommand shell(String script) {
        Objects.requireNonNull(script, "script");
        if (script.isBlank()) {
            throw new IllegalArgumentException("A shell script must not be blank.");
        }
        return new RemoteCommand(null, script, Map.of(), null, NO_STDIN, null, false);
    }

    /** The same command with these environment variables added (names: letters, digits, _). */
    public RemoteCommand withEnv(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        Map<String, String> merged = new LinkedHashMap<>(this.env);
        env.forEach((name, value) -> {
            if (name == null || !ENV_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Environment variable name [" + name
                        + "] is not a valid shell name; use letters, digits and underscores.");
            }
            ShellQuote.quote(Objects.requireNonNull(value, "value of " + name));
            merged.put(name, value);
        });
        return new RemoteCommand(argv, script, Collections.unmodifiableMap(merged), directory, stdin, user, idempotent);
    }

    /** The same command run in this directory on the host; null = the user's home. */
    public RemoteCommand withDirectory(String directory) {
        return new RemoteCommand(argv, script, env, directory, stdin, user, idempotent);
    }

    /** The same command fed these bytes on stdin (then end of file); by default stdin is empty. */
    public RemoteCommand withStdin(byte[] stdin) {
        return new RemoteCommand(argv, script, env, directory, Objects.requireNonNull(stdin, "stdin").clone(), user,
                idempotent);
    }

    /** The same command run as another user through {@code sudo -n -u USER}; null = the login user. */
    public RemoteCommand asUser(String user) {
        if (user != null) {
            ShellQuote.quote(user);
        }
        return new RemoteCommand(argv, script, env, directory, stdin, user, idempotent);
    }

    /**
     * The same command, marked safe to run twice: if the connection drops while it runs, the host
     * reconnects and runs it again (bounded, within the deadline). Without this mark a command that
     * may have run is never retried.
     */
    public RemoteCommand idempotent() {
        return new RemoteCommand(argv, script, env, directory, stdin, user, true);
    }

    /** Whether the command may be run again after the connection dropped while it ran. */
    public boolean isIdempotent() {
        return idempotent;
    }

    /** The argv, or null for a shell script. */
    public List<String> argvList() {
        return argv;
    }

    /** The script, or null for an argv command. */
    public String script() {
        return script;
    }

    /** The extra environment, never null. */
    public Map<String, String> env() {
        return env;
    }

    /** The working directory, or null. */
    public String directory() {
        return directory;
    }

    /** A copy of the stdin bytes, never null. */
    public byte[] stdin() {
        return stdin.clone();
    }

    /** The user to run as, or null for the login user. */
    public String user() {
        return user;
    }

    boolean hasStdin() {
        return stdin.length > 0;
    }

    byte[] stdinUnsafe() {
        return stdin;
    }

    /**
     * For messages: the command as the shell reads it (the script, or the argv quoted with
     * {@link ShellQuote}), at most {@value #DISPLAY_CHARS} characters of it, then how much more
     * there is.
     */
    public String display() {
        String text = script != null ? script : ShellQuote.join(argv);
        if (text.length() <= DISPLAY_CHARS) {
            return text;
        }
        int cut = Character.isHighSurrogate(text.charAt(DISPLAY_CHARS - 1)) ? DISPLAY_CHARS - 1 : DISPLAY_CHARS;
        int more = text.substring(cut).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        return text.substring(0, cut) + "... (" + more + " more bytes)";
    }

    /** Whether the script starts a job in the background ({@code &} that is not part of {@code &&}, {@code >&}, ...). */
    boolean startsBackgroundJob() {
        if (script != null) {
            return BACKGROUND.matcher(script).find();
        }
        int c = argv.indexOf("-c");
        return c >= 0 && c + 1 < argv.size() && BACKGROUND.matcher(argv.get(c + 1)).find();
    }

    /**
     * The POSIX sh script this command stands for: exports, {@code cd}, then the argv (quoted) or
     * the script, all inside {@code sudo} when a user is set. Run by {@code sh -c}.
     */
    public String toScript() {
        StringBuilder body = new StringBuilder();
        if (!env.isEmpty()) {
            body.append("export");
            env.forEach((name, value) -> body.append(' ').append(name).append('=').append(ShellQuote.quote(value)));
            body.append('\n');
        }
        if (directory != null) {
            body.append("cd -- ").append(ShellQuote.quote(directory)).append(" || exit\n");
        }
        body.append(script != null ? script : ShellQuote.join(argv));
        if (user == null) {
            return body.toString();
        }
        // sudo resets the environment and the directory: both are set inside the sudo'd shell.
        return "exec sudo -n -u " + ShellQuote.quote(user) + " -- sh -c " + ShellQuote.quote(body.toString());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RemoteCommand that
                && Objects.equals(argv, that.argv)
                && Objects.equals(script, that.script)
                && env.equals(that.env)
                && Objects.equals(directory, that.directory)
                && java.util.Arrays.equals(stdin, that.stdin)
                && Objects.equals(user, that.user)
                && idempotent == that.idempotent;
    }

    @Override
    public int hashCode() {
        return Objects.hash(argv, script, env, directory, java.util.Arrays.hashCode(stdin), user, idempotent);
    }

    @Override
    public String toString() {
        return "RemoteCommand[" + display() + "]";
    }
}
