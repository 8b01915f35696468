package org.smapimigrate.batch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A short critical section over a file that several processes, possibly on several hosts, and
 * several threads of this JVM change: read-modify-write of a job's volume states, and the
 * take-over or release of a claim. Two locks, because fcntl locks (what
 * {@link FileChannel#lock} takes on Linux) belong to the process: they exclude other processes,
 * and over NFS other hosts (NFSv3 through the NLM lock manager, NFSv4 in the protocol), but not
 * two threads of one JVM, which instead get an OverlappingFileLockException. So a JVM-wide lock
 * comes first, then the file lock. The holder is never long: no copy runs under it.
 *
 * <p>One JVM-wide lock for all files, not one per file: the kernel's deadlock detection for fcntl
 * locks sees processes, not threads, so a process whose one thread holds file X while another
 * waits for Y, against a process doing the reverse, gets EDEADLK although no thread waits for
 * itself. Holding at most one file lock per process at a time makes such a cycle impossible.
 */
final class SharedFileLock {
    /** Runs under the lock. */
    interface Section<T> {
        T run() throws IOException;
    }

    private static final ReentrantLock IN_JVM = new ReentrantLock();

    private SharedFileLock() {
    }

    static <T> T with(Path lockFile, Section<T> section) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        if (IN_JVM.isHeldByCurrentThread()) {
            throw new IllegalStateException("nested file lock sections: " + key);
        }
        ReentrantLock jvm = IN_JVM;
        jvm.lock();
        try {
            Files.createDirectories(key.getParent());
            try (FileChannel ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock;
                try {
                    lock = ch.lock();
                } catch (IOException e) {
                    // ENOLCK: an NFS mount with 'nolock', or no lock manager (rpc.statd) running
                    throw new IOException(key + ": cannot lock (" + e.getMessage() + "); a state directory on NFS"
                            + " needs file locking (no 'nolock' mount option, rpc.statd running for NFSv3)", e);
                }
                try {
                    return section.run();
                } finally {
                    lock.release();
                }
            }
        } finally {
            jvm.unlock();
        }
    }
}
