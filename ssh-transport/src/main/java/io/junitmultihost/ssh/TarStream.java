package io.junitmultihost.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Unpacks a tar stream (ustar, GNU long names, pax paths) into a {@link DownloadTarget} as it is
 * written: directories and regular files only (hard links are copies of files already unpacked;
 * symbolic links, devices and FIFOs are skipped), every name checked the way a listed SFTP name is.
 * A name that is absolute or climbs with {@code ..} fails the download.
 */
final class TarStream extends OutputStream {

    private static final int BLOCK = 512;

    private final DownloadTarget into;
    private final String remote;
    private final byte[] header = new byte[BLOCK];
    private final List<Made> madeDirectories = new ArrayList<>();
    private int headerFill;
    private long dataLeft;
    private long padLeft;
    private int zeroBlocks;
    private Entry entry;
    private DownloadTarget.Pending pending;
    private java.io.ByteArrayOutputStream meta;
    private String longName;
    private String longLink;
    private String paxPath;
    private String paxLink;

    private record Made(Path dir, boolean made, int mode) {
    }

    private record Entry(char type, String name, String link, int mode) {
    }

    TarStream(DownloadTarget into, String remote) {
        this.into = into;
        this.remote = remote;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int used;
            if (dataLeft > 0) {
                used = (int) Math.min(dataLeft, len);
                data(b, off, used);
                dataLeft -= used;
                if (dataLeft == 0) {
                    endOfData();
                }
            } else if (padLeft > 0) {
                used = (int) Math.min(padLeft, len);
                padLeft -= used;
            } else {
                used = Math.min(BLOCK - headerFill, len);
                System.arraycopy(b, off, header, headerFill, used);
                headerFill += used;
                if (headerFill == BLOCK) {
                    headerFill = 0;
                    header();
                }
            }
            off += used;
            len -= used;
        }
    }

    /** Called once the stream ended: gives the directories this download made their remote modes. */
    void finish() throws IOException {
        if (pending != null) {
            throw new IOException("the tar stream ended inside [" + entry.name + "]");
        }
        for (int i = madeDirectories.size() - 1; i >= 0; i--) {
            Made made = madeDirectories.get(i);
            into.finishDirectory(made.dir, made.made, made.mode);
        }
    }

    /** Removes a file left half-written by a failed stream. */
    void abort() {
        if (pending != null) {
            try {
                pending.close();
            } catch (IOException e) {
                // a temporary file we could not remove is left beside its target
            }
            pending = null;
        }
    }

    private void header() throws IOException {
        if (isZero(header)) {
            zeroBlocks++;
            return;
        }
        if (zeroBlocks >= 2) {
            return; // past the end of the archive
        }
        long size = octal(header, 124, 12);
        char type = (char) header[156];
        String name = text(header, 0, 100);
        if (new String(header, 257, 6, StandardCharsets.US_ASCII).equals("ustar\0")) {
            String prefix = text(header, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
        }
        String link = text(header, 157, 100);
        int mode = (int) octal(header, 100, 8) & 07777;
        dataLeft = size;
        padLeft = (BLOCK - size % BLOCK) % BLOCK;
        if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
            entry = new Entry(type, name, link, mode);
            meta = new java.io.ByteArrayOutputStream();
            if (size > 1 << 20) {
                throw new IOException("a tar metadata entry of [" + size + "] bytes");
            }
        } else {
            entry = new Entry(type, firstOf(paxPath, longName, name), firstOf(paxLink, longLink, link), mode);
            longName = null;
            longLink = null;
            paxPath = null;
            paxLink = null;
            start();
        }
        if (dataLeft == 0) {
            endOfData();
        }
    }

    private void start() throws IOException {
        switch (entry.type) {
            case '5' -> {
                Path dir = local(entry.name);
                madeDirectories.add(new Made(dir, into.makeDirectory(dir), entry.mode));
            }
            case '0', '\0', '7' -> pending = into.begin(local(entry.name));
            case '1' -> {
                Path source = local(entry.link);
                Path copy = local(entry.name);
                if (Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                    try (DownloadTarget.Pending linked = into.begin(copy); InputStream in = Files.newInputStream(source)) {
                        in.transferTo(linked.out());
                        linked.commit(DownloadTarget.mode(source));
                    }
                }
            }
            default -> {
                // symbolic links, devices, FIFOs: not followed, not made
            }
        }
    }

    private void data(byte[] b, int off, int len) throws IOException {
        if (meta != null) {
            meta.write(b, off, len);
        } else if (pending != null) {
            pending.out().write(b, off, len);
        }
    }

    private void endOfData() throws IOException {
        if (meta != null) {
            byte[] bytes = meta.toByteArray();
            meta = null;
            switch (entry.type) {
                case 'L' -> longName = trimNul(new String(bytes, StandardCharsets.UTF_8));
                case 'K' -> longLink = trimNul(new String(bytes, StandardCharsets.UTF_8));
                case 'x' -> pax(bytes);
                default -> {
                    // global pax headers carry nothing we use
                }
            }
        } else if (pending != null) {
            pending.commit(entry.mode);
            pending = null;
        }
    }

    /** Pax records: {@code "<length> <key>=<value>\n"}, the length in bytes and counting the whole record. */
    private void pax(byte[] records) throws IOException {
        int at = 0;
        while (at < records.length) {
            int space = at;
            while (space < records.length && records[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(records, at, space - at, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("a bad pax record length", e);
            }
            if (length <= space - at + 1 || at + length > records.length) {
                throw new IOException("a bad pax record length [" + length + "]");
            }
            String keyValue = new String(records, space + 1, at + length - space - 2, StandardCharsets.UTF_8);
            int equals = keyValue.indexOf('=');
            String key = equals < 0 ? keyValue : keyValue.substring(0, equals);
            String value = equals < 0 ? "" : keyValue.substring(equals + 1);
            switch (key) {
                case "path" -> paxPath = value;
                case "linkpath" -> paxLink = value;
                case "size" -> throw new IOException("a pax size record (files over 8 GiB are not supported over exec)");
                default -> {
                    // times, owners, extended attributes: not kept
                }
            }
            at += length;
        }
    }

    /** The local path of a tar member name, checked. */
    private Path local(String name) {
        Path path = into.root();
        if (name.startsWith("/")) {
            throw refuse(name, "an absolute name");
        }
        if (name.indexOf('\0') >= 0) {
            throw refuse(name, "a NUL in the name");
        }
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw refuse(name, "a '..' in the name");
            }
            path = path.resolve(part);
        }
        return into.under(path, remote + "/" + name);
    }

    private SshException refuse(String name, String why) {
        return new SshException("The tar stream of [" + remote + "] holds an entry named ["
                + name.replace("\0", "\\0") + "]: " + why + " would be written outside the target [" + into.root()
                + "]. The download stopped.");
    }

    private static String firstOf(String... values) {
        for (String value : values) {
            if (value != null) {
                return value;
            }
        }
        return "";
    }

    private static String trimNul(String value) {
        int nul = value.indexOf('\0');
        return nul >= 0 ? value.substring(0, nul) : value;
    }

    private static String text(byte[] block, int offset, int length) {
        int end = offset;
        while (end < offset + length && block[end] != 0) {
            end++;
        }
        return new String(block, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] block, int offset, int length) throws IOException {
        if ((block[offset] & 0x80) != 0) {
            throw new IOException("a binary size or mode field (files over 8 GiB are not supported over exec)");
        }
        long value = 0;
        boolean digits = false;
        for (int i = offset; i < offset + length; i++) {
            byte c = block[i];
            if (c == 0 || c == ' ') {
                if (digits) {
                    break;
                }
                continue;
            }
            if (c < '0' || c > '7') {
                throw new IOException("a bad octal field in a tar header");
            }
            value = value * 8 + (c - '0');
            digits = true;
        }
        return value;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
