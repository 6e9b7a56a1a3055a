package io.junitmultihost.api;

import io.junitmultihost.spi.HumanDuration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A remote command in full: either an argument list (quoted by the library) or a raw shell
 * script, with environment, working directory, standard input and a deadline. Immutable; build
 * one with {@link #of(String...)} or {@link #shell(String)} and the {@code with}-ers.
 *
 * <pre>{@code
 * host.exec(Command.of("java", "-jar", "app.jar").withDirectory("/opt/app")
 *         .withEnv("MODE", "test").withDeadline(Duration.ofSeconds(30)));
 * }</pre>
 */
public final class Command {

    private final List<String> argv;
    private final String script;
    private final Map<String, String> env;
    private final String directory;
    private final byte[] stdin;
    private final Duration deadline;

    private Command(List<String> argv, String script, Map<String, String> env, String directory,
            byte[] stdin, Duration deadline) {
        this.argv = argv;
        this.script = script;
        this.env = Map.copyOf(env);
        this.directory = directory;
        this.stdin = stdin;
        this.deadline = deadline;
    }

    /** A command given as its arguments; each is quoted for the remote shell. */
    public static Command of(String... argv) {
        return of(List.of(argv));
    }

    /** A command given as its arguments; each is quoted for the remote shell. */
    public static Command of(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("A command needs at least one argument, the program.");
        }
        return new Command(List.copyOf(argv), null, Map.of(), null, new byte[0], null);
    }

    /** A raw shell script, passed to {@code sh -c} as it is; the caller is responsible for quoting. */
    public static Command shell(String script) {
        Objects.requireNonNull(script, "script");
        if (script.isBlank()) {
            throw new IllegalArgumentException("A shell script must not be blank.");
        }
        return new Command(null, script, Map.of(), null, new byte[0], null);
    }

    /** With an environment variable set for the command (names: letters, digits, {@code _}). */
    public Command withEnv(String name, String value) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("Environment variable name [" + name + "] is not a valid shell name.");
        }
        Map<String, String> copy = new LinkedHashMap<>(env);
        copy.put(name, Objects.requireNonNull(value, "value"));
        return new Command(argv, script, copy, directory, stdin, deadline);
    }

    /** With the remote working directory. */
    public Command withDirectory(String directory) {
        return new Command(argv, script, env, Objects.requireNonNull(directory, "directory"), stdin, deadline);
    }

    /** With bytes fed to the command's standard input (then closed). */
    public Command withStdin(byte[] input) {
        return new Command(argv, script, env, directory, input.clone(), deadline);
    }

    /** With text fed to the command's standard input as UTF-8. */
    public Command withStdin(String input) {
        return withStdin(input.getBytes(StandardCharsets.UTF_8));
    }

    /** With a deadline; without one the configured default applies. Must be positive. */
    public Command withDeadline(Duration deadline) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("A deadline must be positive, was [" + HumanDuration.of(deadline) + "].");
        }
        return new Command(argv, script, env, directory, stdin, deadline);
    }

    /** The arguments, when this is an argument-list command. */
    public Optional<List<String>> argv() {
        return Optional.ofNullable(argv);
    }

    /** The script, when this is a raw shell command. */
    public Optional<String> script() {
        return Optional.ofNullable(script);
    }

    /** The environment set for the command; never null. */
    public Map<String, String> env() {
        return env;
    }

    /** The working directory, if set. */
    public Optional<String> directory() {
        return Optional.ofNullable(directory);
    }

    /** The bytes for standard input; empty when none. */
    public byte[] stdin() {
        return stdin.clone();
    }

    /** The deadline, if set. */
    public Optional<Duration> deadline() {
        return Optional.ofNullable(deadline);
    }

    /**
     * The command as shown in messages: the script, or the arguments joined by blanks; at most
     * {@value #SHOWN_CHARS} characters of it, then how many more bytes there are.
     */
    @Override
    public String toString() {
        String text = script != null ? script : String.join(" ", argv);
        if (text.length() <= SHOWN_CHARS) {
            return text;
        }
        int cut = Character.isHighSurrogate(text.charAt(SHOWN_CHARS - 1)) ? SHOWN_CHARS - 1 : SHOWN_CHARS;
        int more = text.substring(cut).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        return text.substring(0, cut) + "... (" + more + " more bytes)";
    }

    /** How much of a command messages show. */
    private static final int SHOWN_CHARS = 200;
}
