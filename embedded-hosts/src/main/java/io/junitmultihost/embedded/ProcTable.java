package io.junitmultihost.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds processes through Linux's {@code /proc}: by a tag in their environment (inherited by
 * every descendant, even one that started its own session) or by process group. Processes of
 * other users, which cannot be read, are never matched.
 */
final class ProcTable {

    private static final Path PROC = Path.of("/proc");
    private static final long SELF = ProcessHandle.current().pid();

    private ProcTable() {
    }

    /**
     * The live (not zombie) processes whose {@code tagVariable} value satisfies {@code tag}, or whose
     * process group is in {@code groups}.
     */
    static List<Long> find(String tagVariable, Predicate<String> tag, Set<Long> groups) {
        List<Long> found = new ArrayList<>();
        byte[] prefix = (tagVariable + "=").getBytes(StandardCharsets.US_ASCII);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path dir : dirs) {
                long pid = pidOf(dir.getFileName().toString());
                if (pid <= 0 || pid == SELF) {
                    continue;
                }
                String stat = read(dir.resolve("stat"));
                if (stat == null) {
                    continue;
                }
                int close = stat.lastIndexOf(')');
                String[] fields = stat.substring(close + 2).split(" ");
                if (fields.length < 3 || fields[0].equals("Z") || fields[0].equals("X")) {
                    continue;
                }
                long pgrp = Long.parseLong(fields[2]);
                if (groups.contains(pgrp) || tagMatches(dir.resolve("environ"), prefix, tag)) {
                    found.add(pid);
                }
            }
        } catch (IOException | RuntimeException e) {
            // /proc changes under our feet; what we found so far is still worth killing
        }
        return found;
    }

    /** The process group of process {@code pid}, or -1 when it is gone or cannot be read. */
    static long group(long pid) {
        String stat = read(PROC.resolve(Long.toString(pid)).resolve("stat"));
        if (stat == null) {
            return -1;
        }
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return fields.length < 3 ? -1 : Long.parseLong(fields[2]);
    }

    private static boolean tagMatches(Path environ, byte[] prefix, Predicate<String> tag) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(environ);
        } catch (IOException | SecurityException e) {
            return false;
        }
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == 0) {
                if (startsWith(bytes, start, i, prefix)) {
                    return tag.test(new String(bytes, start + prefix.length, i - start - prefix.length, StandardCharsets.US_ASCII));
                }
                start = i + 1;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] bytes, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int j = 0; j < prefix.length; j++) {
            if (bytes[from + j] != prefix[j]) {
                return false;
            }
        }
        return true;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    private static long pidOf(String name) {
        if (name.isEmpty() || name.length() > 10) {
            return -1;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return -1;
            }
        }
        return Long.parseLong(name);
    }
}
