package io.junitmultihost.ssh;

import com.jcraft.jsch.SftpProgressMonitor;
import java.io.InterruptedIOException;

/**
 * Stops an SFTP transfer from its own thread once its deadline passed: JSch asks it after each
 * chunk whether to go on, and the steps of a tree transfer ask it before each file. Closing the
 * channel from another thread instead lets the transfer's next write follow the close, and
 * OpenSSH then ends the whole connection ("data packet referred to nonexistent channel"), with
 * every other channel on it: a timed-out upload took the host's pooled connection along about
 * one time in three on a busy machine.
 */
final class TransferStop implements SftpProgressMonitor {

    private volatile boolean passed;

    /** The deadline passed: the transfer stops at its next chunk or step. */
    void deadlinePassed() {
        passed = true;
    }

    /** Whether the deadline passed, whether or not the transfer was still running. */
    boolean passed() {
        return passed;
    }

    /** Throws once the deadline passed: called between the steps of a transfer. */
    void check() throws InterruptedIOException {
        if (passed) {
            throw new InterruptedIOException("the transfer's deadline passed");
        }
    }

    @Override
    public void init(int op, String src, String dest, long max) {
        // nothing to set up
    }

    @Override
    public boolean count(long bytes) {
        return !passed; // false: JSch ends the transfer as if it were done, so check() follows it
    }

    @Override
    public void end() {
        // the caller checks
    }
}
