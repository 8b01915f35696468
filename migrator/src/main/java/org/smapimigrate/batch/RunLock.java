package org.smapimigrate.batch;

import java.io.IOException;
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
 *
 * <p>One lock per host ({@code STATE/hosts/HOST/batch.lock}): a pool's hosts share the state
 * directory and run the same job file at once, splitting the volumes by {@link Claims}; what must
 * not happen is two runs on one host (they would fight over the same engine journals).
 */
public final class RunLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** This host's lock ({@link Host#local}); throws {@link Held} at once, naming the holder. */
    public static RunLock take(Path stateDir) throws IOException {
        return take(stateDir, Host.local());
    }

    /** The lock of {@code host}'s runs of this state directory, or {@link Held} at once. */
    public static RunLock take(Path stateDir, String host) throws IOException {
        Path hostDir = hostDir(stateDir, host);
        Files.createDirectories(hostDir);
        Path file = hostDir.resolve("batch.lock");
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
        String who = "pid " + ProcessHandle.current().pid() + " on " + host + " since " + Instant.now();
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((who + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(true);
        return new RunLock(ch, lock);
    }

    /**
     * Who took each host's lock last, as its lock file says ("pid N on HOST since T"), without
     * taking any: a status must never make a starting run think another holds it.
     */
    public static java.util.Map<String, String> lastHolders(Path stateDir) throws IOException {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        Path hosts = stateDir.resolve("hosts");
        if (!Files.isDirectory(hosts)) {
            return out;
        }
        try (var dirs = Files.list(hosts)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                Path f = d.resolve("batch.lock");
                if (Files.isRegularFile(f)) {
                    String s = Files.readString(f, StandardCharsets.UTF_8).strip().replaceAll("\\p{Cntrl}", "?");
                    if (!s.isEmpty()) {
                        out.put(d.getFileName().toString(), s);
                    }
                }
            }
        }
        return out;
    }

    /** {@code STATE/hosts/HOST}: what belongs to one host of a shared state directory. */
    public static Path hostDir(Path stateDir, String host) {
        return stateDir.resolve("hosts").resolve(Host.check(host));
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
