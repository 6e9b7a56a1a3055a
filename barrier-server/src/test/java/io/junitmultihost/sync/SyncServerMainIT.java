package io.junitmultihost.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server on its own, as {@code java -jar} runs it: a real JVM, a token file, curl. */
class SyncServerMainIT {

    @Test
    void theStandaloneServerWritesAPrivateTokenFileAndServesWithIt(@TempDir Path dir) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path tokenFile = dir.resolve("token");
        Process p = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-cp", cp, SyncServer.class.getName(), "--port", "0", "--token-file", tokenFile.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            String url = null;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("MH_SYNC_URL=")) {
                    url = line.substring("MH_SYNC_URL=".length());
                    break;
                }
            }
            assertThat(url).startsWith("http://127.0.0.1:");
            assertThat(Files.getPosixFilePermissions(tokenFile)).containsOnly(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE);
            String token = Files.readString(tokenFile).trim();
            Curl.Run r = Curl.curl(token, url + "/v1/health");
            assertThat(Curl.status(r)).isEqualTo("200");
            assertThat(Curl.status(Curl.curl(null, url + "/v1/health"))).isEqualTo("401");
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void theStandaloneServerPrintsTheScriptForHosts() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int status = SyncServerMain.run(new String[] {"--print-script"}, new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                System.err, java.time.Duration.ZERO);
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("#!/bin/sh").contains("mh-sync");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int status = SyncServerMain.run(new String[] {"--frobnicate"}, System.out, new java.io.PrintStream(err, true, StandardCharsets.UTF_8),
                java.time.Duration.ZERO);
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown option [--frobnicate]").contains("Usage:");
    }

    private static int runBriefly(Path tokenFile, java.io.ByteArrayOutputStream err) {
        return SyncServerMain.run(new String[] {"--port", "0", "--token-file", tokenFile.toString()},
                new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8), java.time.Duration.ofMillis(100));
    }

    @Test
    void aTokenFileOthersCanReadIsRefusedNamingItAndTheFix(@TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, SyncServer.newToken() + "\n");
        for (String perms : new String[] {"rw-r--r--", "rw--w----", "rw-----w-"}) {
            Files.setPosixFilePermissions(tokenFile, java.nio.file.attribute.PosixFilePermissions.fromString(perms));
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            assertThat(runBriefly(tokenFile, err)).as(perms).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(perms)
                    .contains("The token file [" + tokenFile + "] can be read or written by others (" + perms + ")")
                    .contains("chmod 600");
        }
        Files.setPosixFilePermissions(tokenFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(runBriefly(tokenFile, new java.io.ByteArrayOutputStream())).isZero();
    }

    @Test
    void aTokenFileOwnedBySomeoneElseOrALinkIsRefused(@TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, SyncServer.newToken() + "\n");
        Files.setPosixFilePermissions(tokenFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, tokenFile);
        java.io.ByteArrayOutputStream linkErr = new java.io.ByteArrayOutputStream();
        assertThat(runBriefly(link, linkErr)).isEqualTo(1);
        assertThat(linkErr.toString(StandardCharsets.UTF_8)).contains("The token file [" + link + "] is a symbolic link");

        java.nio.file.attribute.UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName("nobody");
        try {
            Files.setOwner(tokenFile, nobody);
        } catch (java.nio.file.FileSystemException e) {
            return; // Only root can give a file away; the link case above still ran.
        }
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        assertThat(runBriefly(tokenFile, err)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("The token file [" + tokenFile + "] belongs to [nobody]");
    }
}
