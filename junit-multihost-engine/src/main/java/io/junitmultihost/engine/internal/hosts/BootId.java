package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.MultiHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads a boot id from a command's output, and only when it is a well-formed UUID. */
final class BootId {

    static final String PATH = "/proc/sys/kernel/random/boot_id";

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private BootId() {
    }

    /** The boot id in {@code stdout} when the command succeeded and printed exactly a UUID. */
    static Optional<String> of(int exitCode, String stdout) {
        String text = stdout.strip();
        return exitCode == 0 && UUID.matcher(text).matches() ? Optional.of(text.toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /** The boot id, or an exception saying what was read instead. */
    static String require(ExecResult result) {
        return of(result.exitCode(), result.stdout()).orElseThrow(() -> new MultiHostException("Host ["
                + result.host() + "] gave no boot id: [" + result.command() + "] exited with [" + result.exitCode()
                + "], stdout [" + shorten(result.stdout()) + "], stderr [" + shorten(result.stderr())
                + "]; expected a UUID. Check that /proc is mounted on the host."));
    }

    static String shorten(String text) {
        String s = text.strip();
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
