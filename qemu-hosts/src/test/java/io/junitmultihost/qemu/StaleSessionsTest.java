package io.junitmultihost.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.testsupport.MustNotSkip;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stale sessions: only this user's directories whose JVM is gone go, nothing else. */
class StaleSessionsTest {

    @TempDir
    Path tmp;

    @Test
    void onlyThisUsersSessionsWhoseJvmIsGoneAreRemoved() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String dead = gone.pid() + " -\n";
        Path stale = session("stale", dead);
        Path live = session("live", ProcessHandle.current().pid() + " -\n");
        Path unmarked = Files.createDirectory(tmp.resolve(StaleSessions.PREFIX + "unmarked"));
        Path unrelated = Files.createDirectory(tmp.resolve("unrelated"));
        Files.writeString(unrelated.resolve(StaleSessions.OWNER), dead);
        Path othersUser = session("other-user", dead);
        MustNotSkip.require("root".equals(System.getProperty("user.name")), "giving a directory to another user needs root");
        UserPrincipal nobody = tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(othersUser, nobody);

        StaleSessions.removeIn(tmp);

        assertThat(stale).doesNotExist();
        assertThat(live).exists();
        assertThat(unmarked).exists();
        assertThat(unrelated).exists();
        assertThat(othersUser).as("another user's directory of that name").exists();
    }

    private Path session(String name, String owner) throws IOException {
        Path session = Files.createDirectory(tmp.resolve(StaleSessions.PREFIX + name));
        Files.writeString(session.resolve(StaleSessions.OWNER), owner, StandardCharsets.UTF_8);
        return session;
    }
}
