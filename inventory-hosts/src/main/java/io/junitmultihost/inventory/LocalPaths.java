package io.junitmultihost.inventory;

import java.nio.file.Path;

/** Paths as users write them: {@code ~} is the home directory, relative paths are against a base. */
final class LocalPaths {

    private LocalPaths() {
    }

    static Path home() {
        return Path.of(System.getProperty("user.home"));
    }

    static String localUser() {
        return System.getProperty("user.name");
    }

    /** Expands a leading {@code ~} or {@code ~/} and resolves a relative path against {@code base}. */
    static Path resolve(String text, Path base) {
        Path path;
        if (text.equals("~")) {
            path = home();
        } else if (text.startsWith("~/")) {
            path = home().resolve(text.substring(2));
        } else {
            path = Path.of(text);
        }
        return base == null ? path.toAbsolutePath().normalize() : base.resolve(path).toAbsolutePath().normalize();
    }
}
