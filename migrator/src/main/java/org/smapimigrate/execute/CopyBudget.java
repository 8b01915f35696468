package org.smapimigrate.execute;

import org.smapimigrate.disk.DiskCopy;

/**
 * The copy pipeline each job gets, so that whatever {@code --jobs} is, all of them together stay
 * inside one direct-memory budget (issue 10: peak RSS at most 256 MiB at 8 jobs; the launcher
 * gives the JVM {@code -XX:MaxDirectMemorySize=96m}). {@value #BUDGET_MIB} MiB go to copy buffers,
 * split evenly between the jobs; the rest is left to NBD and TLS buffers. A job's share is at most
 * what one copy uses alone ({@link DiskCopy#standard()}: 8 buffers of 1 MiB); below that the
 * chunks shrink (never under 256 KiB), the number of buffers in flight stays 8.
 */
final class CopyBudget {
    static final int BUDGET_MIB = 64;
    private static final int BUFFERS = DiskCopy.STANDARD_BUFFERS;
    private static final int MAX_CHUNK = DiskCopy.STANDARD_CHUNK;
    private static final int MIN_CHUNK = 256 << 10;

    private final int chunk;

    CopyBudget(int jobs) {
        long share = ((long) BUDGET_MIB << 20) / Math.max(1, jobs) / BUFFERS;
        int c = MAX_CHUNK;
        while (c > MIN_CHUNK && c > share) {
            c >>= 1;
        }
        this.chunk = c;
    }

    /** Bytes of one read or write in a job's copy. */
    int chunkSize() {
        return chunk;
    }

    /** Direct memory one job's copy holds at most. */
    long bytesPerJob() {
        return (long) chunk * BUFFERS;
    }

    /**
     * {@code parts} read-only pipelines that together hold what one copy holds (each at least 3
     * buffers of the job's chunk): for a read-back split between readers (BlockChecker). They do
     * not look for zeros in what they read: the check of zero bytes is their CRC like any other,
     * so a zero scan would be a second pass over every byte for nothing, and the holes of a file
     * volume are not read at all (FileHoles).
     */
    java.util.List<DiskCopy> readers(int parts) {
        int each = Math.max(3, BUFFERS / Math.max(1, parts));
        java.util.List<DiskCopy> out = new java.util.ArrayList<>();
        for (int i = 0; i < parts; i++) {
            out.add(new DiskCopy(chunk, each, false));
        }
        return out;
    }

    /** A full copy pipeline within the job's share. */
    DiskCopy copy() {
        return chunk == MAX_CHUNK ? DiskCopy.standard() : new DiskCopy(chunk, BUFFERS, true);
    }
}
