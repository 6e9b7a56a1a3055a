package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host's tar stream is read by the rules of any download: nothing lands outside the target. */
class TarStreamTest {

    @TempDir
    Path dir;

    @Test
    void aMemberThatClimbsOutOfTheTargetFailsTheDownloadAndIsNotWritten() throws Exception {
        Path target = Files.createDirectory(dir.resolve("target"));
        TarStream tar = new TarStream(new DownloadTarget(target, "h1"), "/srv");

        SshException e = catchThrowableOfType(SshException.class,
                () -> tar.write(archive(member("./../escaped", '0', "from the host"))));

        assertThat(e.getMessage()).contains("[./../escaped]", "'..'", "/srv");
        tar.abort();
        assertThat(dir.resolve("escaped")).doesNotExist();
        try (var left = Files.list(target)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void anAbsoluteMemberFailsTheDownload() {
        TarStream tar = new TarStream(new DownloadTarget(dir, "h1"), "/srv");

        SshException e = catchThrowableOfType(SshException.class,
                () -> tar.write(archive(member("/etc/evil", '0', "x"))));

        assertThat(e.getMessage()).contains("[/etc/evil]", "absolute");
    }

    @Test
    void aGnuLongNameClimbingOutIsCheckedLikeAShortOne() {
        TarStream tar = new TarStream(new DownloadTarget(dir.resolve("t"), "h1"), "/srv");
        String name = "a/".repeat(60) + "../".repeat(62) + "escaped";

        SshException e = catchThrowableOfType(SshException.class,
                () -> tar.write(archive(member("././@LongLink", 'L', name + "\0"), member("short", '0', "x"))));

        assertThat(e.getMessage()).contains("'..'");
    }

    @Test
    void filesAndDirectoriesArriveWithTheirModesMasked() throws Exception {
        Path target = dir.resolve("t");
        TarStream tar = new TarStream(new DownloadTarget(target, "h1"), "/srv");

        tar.write(archive(member("./", '5', ""), member("./d/", '5', ""), member("./d/f", '0', "content"),
                member("./d/link", '2', "")));
        tar.finish();

        assertThat(Files.readString(target.resolve("d/f"))).isEqualTo("content");
        assertThat(target.resolve("d/link")).doesNotExist();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                target.resolve("d/f")))).isEqualTo("rwxrwxr-x");
    }

    private static byte[] member(String name, char type, String content) {
        byte[] body = content.getBytes(StandardCharsets.UTF_8);
        byte[] header = new byte[512];
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(nameBytes, 0, header, 0, Math.min(100, nameBytes.length));
        put(header, 100, String.format("%07o", 0777));
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", body.length));
        put(header, 136, "00000000000");
        header[156] = (byte) type;
        put(header, 257, "ustar");
        put(header, 263, "00");
        put(header, 148, "        ");
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o", sum));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        out.writeBytes(body);
        out.writeBytes(new byte[(512 - body.length % 512) % 512]);
        return out.toByteArray();
    }

    private static byte[] archive(byte[]... members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] member : members) {
            out.writeBytes(member);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void put(byte[] header, int offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }
}
