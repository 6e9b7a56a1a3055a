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
    private final byte[] marker;
    private long position;
    /** The bytes read last time that could still be the start of the marker. */
    private byte[] carry = new byte[0];

    ConsoleMarker(Path console, long from, String marker) {
        this.console = console;
        this.position = from;
        this.marker = marker.getBytes(StandardCharsets.US_ASCII);
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
            byte[] text = new byte[carry.length + added.length];
            System.arraycopy(carry, 0, text, 0, carry.length);
            System.arraycopy(added, 0, text, carry.length, added.length);
            if (indexOf(text) >= 0) {
                return true;
            }
            int keep = Math.min(text.length, marker.length - 1);
            carry = java.util.Arrays.copyOfRange(text, text.length - keep, text.length);
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private int indexOf(byte[] text) {
        outer:
        for (int i = 0; i + marker.length <= text.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (text[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
