package org.smapimigrate.batch;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The one run of a state directory at a time. An OS file lock (fcntl through
 * {@link FileChannel#tryLock}), not a marker file: the kernel drops it when the holder dies, even
 * by SIGKILL, so a crash never leaves a stale lock behind. The holder writes who it is into the
 * lock file so a refused run can say so.
 */
public final class RunLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock or throws {@link Held} at once, naming the holder. */
    public static RunLock take(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        Path file = stateDir.resolve("batch.lock");
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held by this very JVM: refused the same way as another process
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
            throw new Held(stateDir, holder.isEmpty() ? "a process that has not written its name yet" : holder);
        }
        String who = "pid " + ProcessHandle.current().pid() + " on " + host() + " since " + Instant.now();
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((who + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(true);
        return new RunLock(ch, lock);
    }

    /**
     * Who took the lock last, as the lock file says ("pid N on HOST since T"), without taking it:
     * a status must never make a starting run think another holds it. Empty when no run ever did.
     */
    public static java.util.Optional<String> lastHolder(Path stateDir) throws IOException {
        Path file = stateDir.resolve("batch.lock");
        if (!Files.exists(file)) {
            return java.util.Optional.empty();
        }
        String s = Files.readString(file, StandardCharsets.UTF_8).strip().replaceAll("\\p{Cntrl}", "?");
        return s.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(s);
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    /** Another run holds the state directory. */
    public static final class Held extends RuntimeException {
        Held(Path dir, String holder) {
            super("another batch run holds " + dir + ": " + holder.replaceAll("\\p{Cntrl}", "?")
                    + "; it goes on by itself, or wait until it ends");
        }
    }
}
