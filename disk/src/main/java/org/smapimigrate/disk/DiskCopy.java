package org.smapimigrate.disk;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Copies a {@link VirtualDisk} into a {@link DiskSink}, reading only allocated extents, keeping
 * holes as holes, and overlapping the stages: a reader thread reads each allocated run once into
 * a pooled direct buffer, cuts out all-zero granules and shows every piece to the observer (which
 * hashes on threads of its own, see {@code BlockDigester}), while the calling thread writes the
 * same buffers. A buffer goes back to the pool when both are done with it, so memory stays
 * {@code buffers x chunkSize} whatever the disk size (qemu's convert and mirror jobs work the
 * same way, against block status rather than format internals).
 */
public final class DiskCopy {
    /** Bytes of extents asked for at once: bounds the extent list, not the copy. */
    static final long EXTENT_WINDOW = 1L << 30;
    /** Zero detection granule: all-zero runs of this size inside data stay holes on the target. */
    static final int ZERO_GRANULE = 64 << 10;

    /** What a copy does with the ranges the source does not hold. */
    public enum Mode {
        /** The target becomes the source: unallocated ranges must read as zeros there too. */
        FULL,
        /**
         * The source is written over what the target already holds (one image's own sectors onto
         * a snapshot of its parent): unallocated ranges are left untouched, while data that
         * happens to be zeros is still written as zeros, since it hides what lies below.
         */
        OVERLAY
    }

    private final int chunkSize;
    private final int buffers;
    private final boolean detectZeroes;
    private final Mode mode;
    private final AtomicLong done = new AtomicLong();

    /**
     * @param chunkSize    largest read/write in bytes (a multiple of 512)
     * @param buffers      buffers in flight across the stages (at least 3)
     * @param detectZeroes treat all-zero runs of data (64 KiB granules) as zero runs on the target
     */
    public DiskCopy(int chunkSize, int buffers, boolean detectZeroes) {
        this(chunkSize, buffers, detectZeroes, Mode.FULL);
    }

    private DiskCopy(int chunkSize, int buffers, boolean detectZeroes, Mode mode) {
        if (chunkSize < 512 || chunkSize % 512 != 0 || buffers < 3) {
            throw new IllegalArgumentException("chunkSize must be a positive multiple of 512, buffers >= 3");
        }
        this.chunkSize = chunkSize;
        this.buffers = buffers;
        this.detectZeroes = detectZeroes;
        this.mode = mode;
    }

    /** Bytes of one pooled buffer in {@link #standard()}. */
    public static final int STANDARD_CHUNK = 1 << 20;
    /** Buffers of one {@link #standard()} copy: with its chunk, 8 MiB of direct memory per copy. */
    public static final int STANDARD_BUFFERS = 8;

    /**
     * {@value #STANDARD_BUFFERS} buffers of {@value #STANDARD_CHUNK} bytes (8 MiB of direct memory
     * a copy, so eight copies at once fit the launcher's 96 MiB), zero detection on, full copy.
     */
    public static DiskCopy standard() {
        return new DiskCopy(STANDARD_CHUNK, STANDARD_BUFFERS, true);
    }

    /** The same copy in {@link Mode#OVERLAY}: writes only what the source holds. */
    public DiskCopy overlay() {
        return new DiskCopy(chunkSize, buffers, detectZeroes, Mode.OVERLAY);
    }

    /** Bytes of the virtual disk handled so far (written or skipped); for progress bars. */
    public long bytesDone() {
        return done.get();
    }

    /**
     * Copies {@code src} into {@code dst}; {@code observer} may be null. In {@link Mode#FULL} the
     * observer sees every byte of the disk in order; in {@link Mode#OVERLAY} only what is
     * written. Does not flush.
     */
    public CopyStats copy(VirtualDisk src, DiskSink dst, CopyObserver observer) throws IOException {
        if (dst.size() < src.size()) {
            throw new IOException(dst.describe() + ": target is " + dst.size() + " bytes, smaller than "
                    + src.describe() + " (" + src.size() + " bytes)");
        }
        long start = System.nanoTime();
        done.set(0);
        BlockingQueue<Pooled> free = new ArrayBlockingQueue<>(buffers);
        for (int i = 0; i < buffers; i++) {
            free.add(new Pooled(ByteBuffer.allocateDirect(chunkSize), free));
        }
        // A chunk cuts into at most one piece per granule, plus the END marker.
        int queueSize = buffers * (chunkSize / ZERO_GRANULE + 2);
        BlockingQueue<Piece> writeQueue = new ArrayBlockingQueue<>(queueSize);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] counts = new long[2]; // read bytes, zero bytes (written only by the reader thread)

        Thread reader = new Thread(() -> runStage(failure, writeQueue,
                () -> readAll(src, free, writeQueue, observer, counts)), "copy-read");
        reader.setDaemon(true);
        reader.start();
        long written = 0;
        try {
            written = writeAll(writeQueue, dst);
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        } finally {
            if (failure.get() != null) {
                reader.interrupt();
            }
            join(reader);
        }
        Throwable t = failure.get();
        if (t != null) {
            throw asIOException(t);
        }
        return new CopyStats(src.size(), counts[0], written, counts[1], System.nanoTime() - start);
    }

    /**
     * A pooled buffer shared by the data pieces cut from it; back in the pool once every piece is
     * written and, with an observer, released by it too (it may hash on threads of its own).
     */
    private static final class Pooled {
        final ByteBuffer buffer;
        /** The reader's view of the buffer for zero detection, moved granule by granule. */
        final ByteBuffer scan;
        final AtomicInteger users = new AtomicInteger();
        private final BlockingQueue<Pooled> pool;

        Pooled(ByteBuffer buffer, BlockingQueue<Pooled> pool) {
            this.buffer = buffer;
            this.scan = buffer.duplicate();
            this.pool = pool;
        }

        /** One user is done; the last one puts the buffer back (never blocks: the pool has room for all). */
        void release() {
            if (users.decrementAndGet() == 0) {
                pool.offer(this);
            }
        }
    }

    /** What the writer does with a piece. */
    private enum Kind { DATA, ZERO, SKIP, END }

    /** One unit passed between stages: data in a slice of a pooled buffer, a zero run, a run to leave alone, or the end. */
    private record Piece(Kind kind, long offset, long length, ByteBuffer data, Pooled owner) {
        static final Piece END = new Piece(Kind.END, -1, 0, null, null);
    }

    private interface Stage {
        void run() throws Exception;
    }

    private static void runStage(AtomicReference<Throwable> failure, BlockingQueue<Piece> out, Stage stage) {
        try {
            stage.run();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            // Unblock the next stage so it notices the failure instead of waiting forever.
            out.clear();
            out.offer(Piece.END);
        }
    }

    /**
     * Merges adjacent zero (or skip) runs before they are queued; data pieces pass straight
     * through. Everything queued is shown to the observer first, in offset order.
     */
    private static final class RunMerger {
        private final BlockingQueue<Piece> out;
        private final CopyObserver observer;
        private Kind kind;
        private long start;
        private long length;

        RunMerger(BlockingQueue<Piece> out, CopyObserver observer) {
            this.out = out;
            this.observer = observer;
        }

        void run(Kind k, long offset, long len) throws InterruptedException, IOException {
            if (length > 0 && kind == k && start + length == offset) {
                length += len;
                return;
            }
            flush();
            kind = k;
            start = offset;
            length = len;
        }

        void data(Piece p) throws InterruptedException, IOException {
            flush();
            if (observer != null) {
                observer.data(p.offset(), p.data().duplicate(), p.owner()::release);
            }
            out.put(p);
        }

        void flush() throws InterruptedException, IOException {
            if (length > 0) {
                if (observer != null && kind == Kind.ZERO) {
                    observer.zeros(start, length);
                }
                out.put(new Piece(kind, start, length, null, null));
                length = 0;
            }
        }
    }

    private void readAll(VirtualDisk src, BlockingQueue<Pooled> free, BlockingQueue<Piece> out,
                         CopyObserver observer, long[] counts) throws IOException, InterruptedException {
        long size = src.size();
        RunMerger runs = new RunMerger(out, observer);
        int usersPerPiece = observer == null ? 1 : 2;
        List<Piece> cut = new ArrayList<>();
        for (long window = 0; window < size; window += EXTENT_WINDOW) {
            long windowLen = Math.min(EXTENT_WINDOW, size - window);
            for (Extent e : src.extents(window, windowLen)) {
                if (e.kind().readsAsZero()) {
                    boolean leaveAlone = mode == Mode.OVERLAY && e.kind() == ExtentKind.UNALLOCATED;
                    runs.run(leaveAlone ? Kind.SKIP : Kind.ZERO, e.offset(), e.length());
                    if (!leaveAlone) {
                        counts[1] += e.length();
                    }
                    continue;
                }
                for (long pos = e.offset(); pos < e.end(); ) {
                    int n = (int) Math.min(chunkSize - (pos % chunkSize), e.end() - pos);
                    Pooled pooled = free.take();
                    ByteBuffer buf = pooled.buffer;
                    buf.clear().limit(n);
                    src.read(buf, pos);
                    buf.flip();
                    counts[0] += n;
                    cut.clear();
                    cutChunk(pooled, pos, n, cut);
                    int dataPieces = 0;
                    for (Piece p : cut) {
                        if (p.kind() == Kind.DATA) {
                            dataPieces++;
                        } else {
                            counts[1] += p.length();
                        }
                    }
                    // Set before any piece is queued: the writer (and the observer) count it down,
                    // and the last one returns the buffer to the pool.
                    pooled.users.set(dataPieces * usersPerPiece);
                    if (dataPieces == 0) {
                        free.put(pooled);
                    }
                    for (Piece p : cut) {
                        if (p.kind() == Kind.DATA) {
                            runs.data(p);
                        } else {
                            runs.run(Kind.ZERO, p.offset(), p.length());
                        }
                    }
                    pos += n;
                }
            }
        }
        runs.flush();
        out.put(Piece.END);
    }

    /**
     * Cuts a chunk read at {@code pos} into data pieces and zero runs, in offset order, granule by
     * granule (granules are aligned to disk offsets, so the result does not depend on chunking).
     */
    private void cutChunk(Pooled pooled, long pos, int n, List<Piece> cut) {
        if (!detectZeroes) {
            cut.add(piece(pooled, pos, 0, n, false));
            return;
        }
        // No buffer object per granule: with the quick compiler alone (export) they were 3 MiB of
        // garbage per GiB copied, and a collection pausing the copy (issue 10).
        ByteBuffer scan = pooled.scan;
        ByteBuffer zeros = Zeros.of(Zeros.SMALL);
        int runStart = 0;
        boolean runZero = false;
        int i = 0;
        while (i < n) {
            int g = (int) Math.min(ZERO_GRANULE - ((pos + i) % ZERO_GRANULE), n - i);
            scan.limit(i + g).position(i);
            boolean zero = scan.mismatch(zeros.limit(g).position(0)) == -1;
            if (i > 0 && zero != runZero) {
                cut.add(piece(pooled, pos, runStart, i, runZero));
                runStart = i;
            }
            runZero = zero;
            i += g;
        }
        cut.add(piece(pooled, pos, runStart, n, runZero));
    }

    private static Piece piece(Pooled pooled, long pos, int from, int to, boolean zero) {
        return zero ? new Piece(Kind.ZERO, pos + from, to - from, null, null)
                : new Piece(Kind.DATA, pos + from, to - from, pooled.buffer.slice(from, to - from), pooled);
    }

    private long writeAll(BlockingQueue<Piece> in, DiskSink dst)
            throws IOException, InterruptedException {
        long written = 0;
        boolean skipZeros = dst.unwrittenReadsAsZero();
        while (true) {
            Piece p = in.take();
            switch (p.kind()) {
                case END -> {
                    return written;
                }
                case ZERO -> {
                    if (!skipZeros) {
                        dst.writeZeroes(p.offset(), p.length());
                    }
                }
                case DATA -> {
                    dst.write(p.data().duplicate(), p.offset());
                    written += p.length();
                    p.owner().release();
                }
                case SKIP -> {
                    // OVERLAY: the target keeps what it holds here.
                }
            }
            done.addAndGet(p.length());
        }
    }

    /**
     * Vectorised comparison against a shared zero buffer, a few GiB/s; in granule-sized slices,
     * so only the small zero buffer is ever touched ({@link Zeros#SMALL}).
     */
    static boolean isAllZero(ByteBuffer buf) {
        int pos = buf.position();
        int end = buf.limit();
        while (pos < end) {
            int n = Math.min(Zeros.SMALL, end - pos);
            if (buf.slice(pos, n).mismatch(Zeros.of(n)) != -1) {
                return false;
            }
            pos += n;
        }
        return true;
    }

    private static void join(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                t.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static IOException asIOException(Throwable t) {
        if (t instanceof IOException io) {
            return io;
        }
        if (t instanceof UncheckedIOException u) {
            return u.getCause();
        }
        if (t instanceof InterruptedException) {
            InterruptedIOException e = new InterruptedIOException("copy interrupted");
            e.initCause(t);
            return e;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new IOException(t);
    }
}
