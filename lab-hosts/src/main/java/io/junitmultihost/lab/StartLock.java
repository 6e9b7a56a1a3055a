package io.junitmultihost.lab;

import io.junitmultihost.spi.HumanDuration;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The machine-wide lock that lab starts take in turn (labs of other JVMs too), taken within a
 * deadline. Its holder writes its pid into the file, so that a start that waits too long can say
 * who holds it.
 */
final class StartLock implements AutoCloseable {

    /** Labs of one JVM take turns here first: a JVM cannot lock a file region twice. */
    private static final ReentrantLock IN_JVM = new ReentrantLock();
    private static final long POLL_MILLIS = 50;

    private final FileChannel channel;
    private final FileLock lock;

    private StartLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock in {@code file} within the deadline.
     *
     * @throws LabException naming the file and its holder when the deadline passes first
     * @throws IOException when the file cannot be opened
     */
    static StartLock take(Path file, Duration deadline) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        try {
            if (!IN_JVM.tryLock(deadline.toNanos(), TimeUnit.NANOSECONDS)) {
                throw timedOut(file, deadline, "another lab start in this JVM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("Interrupted while waiting for the lab start lock [" + file + "].", e);
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            while (true) {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock != null) {
                    channel.truncate(0);
                    channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                    return new StartLock(channel, lock);
                }
                if (System.nanoTime() - end > 0) {
                    throw timedOut(file, deadline, holder(file));
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(channel);
            IN_JVM.unlock();
            throw new LabException("Interrupted while waiting for the lab start lock [" + file + "].", e);
        } catch (IOException | RuntimeException e) {
            close(channel);
            IN_JVM.unlock();
            throw e;
        }
    }

    private static LabException timedOut(Path file, Duration deadline, String holder) {
        return new LabException("Could not take the lab start lock [" + file + "] within [" + HumanDuration.of(deadline)
                + "]: it is held by " + holder + ". Wait for that lab start to finish, or end that process if it hangs.");
    }

    /** The holder as its pid and command line, as far as the file and /proc tell. */
    static String holder(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!text.startsWith("pid ")) {
                return "a process that did not say who it is";
            }
            long pid = Long.parseLong(text.substring(4).strip());
            java.util.Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (process.isEmpty()) {
                return "a process that did not say who it is (the file names process [" + pid + "], which has ended)";
            }
            // The program only, not its arguments: those may hold secrets.
            String program = process.get().info().command().orElse("");
            return "process [" + pid + "]" + (program.isEmpty() ? "" : " (" + program + ")");
        } catch (IOException | NumberFormatException e) {
            return "a process that did not say who it is";
        }
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing releases any lock; nothing else to do.
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel releases it too.
        }
        close(channel);
        IN_JVM.unlock();
    }
}
