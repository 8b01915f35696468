package org.smapimigrate.batch;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One run of an engine plan at a time, across the threads of this JVM, its processes, and the
 * hosts sharing the state directory. Claims are per volume, but the selected VDIs of one snapshot
 * tree share one plan: two hosts (or two slots of a job's concurrency) taking two volumes of one
 * tree must not run that plan at once. The second waits, then finds the plan finished and only
 * rechecks it.
 *
 * <p>An in-JVM lock per plan, then an fcntl lock on {@code PLAN.lock} (over NFS, the lock
 * manager's), polled with tryLock rather than waited for: a blocking fcntl wait while this process
 * holds another file lock (a state write's) could make the kernel report a deadlock between two
 * processes that are only waiting on each other's short sections.
 */
final class PlanLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();
    private static final long POLL_MILLIS = 200;

    private final ReentrantLock jvm;
    private final FileChannel channel;
    private final FileLock lock;

    private PlanLock(ReentrantLock jvm, FileChannel channel, FileLock lock) {
        this.jvm = jvm;
        this.channel = channel;
        this.lock = lock;
    }

    static PlanLock take(Path planFile) throws IOException {
        Path key = planFile.toAbsolutePath().normalize();
        ReentrantLock jvm = IN_JVM.computeIfAbsent(key, k -> new ReentrantLock());
        try {
            jvm.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + key);
        }
        FileChannel ch = null;
        try {
            java.nio.file.Files.createDirectories(key.getParent());
            ch = FileChannel.open(key.resolveSibling(key.getFileName() + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            while (true) {
                FileLock l = ch.tryLock();
                if (l != null) {
                    return new PlanLock(jvm, ch, l);
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(ch);
            jvm.unlock();
            throw new InterruptedIOException("interrupted waiting for " + key);
        } catch (IOException | RuntimeException e) {
            close(ch);
            jvm.unlock();
            throw e;
        }
    }

    private static void close(FileChannel ch) {
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException e) {
            // closing drops the lock anyway
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            close(channel);
            jvm.unlock();
        }
    }
}
