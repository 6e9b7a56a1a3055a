package io.junitmultihost.engine.internal.vm;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The feature version in what {@code java -version} prints: 17 for {@code "17.0.15"}, 8 for {@code "1.8.0_392"}. */
final class JavaVersion {

    /** The oldest Java the engine's classes (and so the remote JVM's agent) run on. */
    static final int REQUIRED = 17;

    private static final Pattern VERSION = Pattern.compile("version \"(1\\.)?(\\d+)");

    private JavaVersion() {
    }

    static OptionalInt of(String printed) {
        Matcher matcher = VERSION.matcher(printed);
        return matcher.find() ? OptionalInt.of(Integer.parseInt(matcher.group(2))) : OptionalInt.empty();
    }
}
