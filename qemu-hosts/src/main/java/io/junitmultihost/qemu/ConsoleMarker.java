package io.junitmultihost.qemu;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Watches a guest's serial console, from a given offset on, for a marker the guest prints: one
 * boot's part of a console that every boot of the machine appends to. Reads only what was added
 * since the last look. Used by one thread.
 */
final class ConsoleMarker {

    private final Path console;
    private final String marker;
    private long position;
    /** The text read last time that could still be the start of the marker. */
    private String carry = "";

    ConsoleMarker(Path console, long from, String marker) {
        this.console = console;
        this.position = from;
        this.marker = marker;
    }

    /** The console's size now, the offset from which a boot about to start writes. */
    static long end(Path console) {
        try {
            return Files.exists(console) ? Files.size(console) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Whether the marker has appeared since the offset; an unreadable console has not shown it. */
    boolean seen() {
        try (RandomAccessFile file = new RandomAccessFile(console.toFile(), "r")) {
            long length = file.length();
            if (length <= position) {
                return false;
            }
            byte[] added = new byte[(int) Math.min(length - position, 1 << 20)];
            file.seek(position);
            file.readFully(added);
            position += added.length;
            String text = carry + new String(added, StandardCharsets.ISO_8859_1);
            if (text.contains(marker)) {
                return true;
            }
            carry = text.substring(Math.max(0, text.length() - (marker.length() - 1)));
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
