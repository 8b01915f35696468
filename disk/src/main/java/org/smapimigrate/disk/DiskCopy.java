package org.smapimigrate.disk;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Copies a {@link VirtualDisk} into a {@link DiskSink}, reading only allocated extents, keeping
 * holes as holes, and overlapping the stages: a reader thread, an observer (hashing) thread and
 * the writing (calling) thread pass a small fixed pool of direct buffers through bounded queues,
 * so memory stays constant whatever the disk size (qemu's convert and mirror jobs work the same
 * way, against block status rather than format internals).
 */
public final class DiskCopy {
    /** Bytes of extents asked for at once: bounds the extent list, not the copy. */
    static final long EXTENT_WINDOW = 1L << 30;

    private final int chunkSize;
    private final int buffers;
    private final boolean detectZeroes;
    private final AtomicLong done = new AtomicLong();

    /**
     * @param chunkSize    largest read/write in bytes (a multiple of 512; 4 MiB is a good default)
     * @param buffers      buffers in flight across the stages (at least 3)
     * @param detectZeroes treat data chunks that are all zeros as holes on the target
     */
    public DiskCopy(int chunkSize, int buffers, boolean detectZeroes) {
        if (chunkSize < 512 || chunkSize % 512 != 0 || buffers < 3) {
            throw new IllegalArgumentException("chunkSize must be a positive multiple of 512, buffers >= 3");
        }
        this.chunkSize = chunkSize;
        this.buffers = buffers;
        this.detectZeroes = detectZeroes;
    }

    /** 4 MiB chunks, 8 buffers, zero detection on. */
    public static DiskCopy standard() {
        return new DiskCopy(4 << 20, 8, true);
    }

    /** Bytes of the virtual disk handled so far (written or skipped); for progress bars. */
    public long bytesDone() {
        return done.get();
    }

    /** Copies all of {@code src} into {@code dst}; {@code observer} may be null. Does not flush. */
    public CopyStats copy(VirtualDisk src, DiskSink dst, CopyObserver observer) throws IOException {
        if (dst.size() < src.size()) {
            throw new IOException(dst.describe() + ": target is " + dst.size() + " bytes, smaller than "
                    + src.describe() + " (" + src.size() + " bytes)");
        }
        long start = System.nanoTime();
        done.set(0);
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(buffers);
        for (int i = 0; i < buffers; i++) {
            free.add(ByteBuffer.allocateDirect(chunkSize));
        }
        BlockingQueue<Piece> readQueue = new ArrayBlockingQueue<>(buffers + 1);
        BlockingQueue<Piece> writeQueue = observer == null ? readQueue : new ArrayBlockingQueue<>(buffers + 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] counts = new long[2]; // read bytes, zero bytes (written only by the reader thread)

        Thread reader = new Thread(() -> runStage(failure, readQueue, () -> readAll(src, free, readQueue, counts)),
                "copy-read");
        Thread hasher = observer == null ? null : new Thread(
                () -> runStage(failure, writeQueue, () -> observeAll(readQueue, writeQueue, observer)), "copy-observe");
        reader.setDaemon(true);
        reader.start();
        if (hasher != null) {
            hasher.setDaemon(true);
            hasher.start();
        }
        long written = 0;
        try {
            written = writeAll(writeQueue, free, dst);
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        } finally {
            if (failure.get() != null) {
                reader.interrupt();
                if (hasher != null) {
                    hasher.interrupt();
                }
            }
            join(reader);
            if (hasher != null) {
                join(hasher);
            }
        }
        Throwable t = failure.get();
        if (t != null) {
            throw asIOException(t);
        }
        return new CopyStats(src.size(), counts[0], written, counts[1], System.nanoTime() - start);
    }

    /** One unit passed between stages: data in a pooled buffer, a zero run, or the end. */
    private record Piece(long offset, long length, ByteBuffer data) {
        static final Piece END = new Piece(-1, 0, null);
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

    private void readAll(VirtualDisk src, BlockingQueue<ByteBuffer> free, BlockingQueue<Piece> out,
                         long[] counts) throws IOException, InterruptedException {
        long size = src.size();
        long pendingZeroStart = -1;
        long pendingZeroLen = 0;
        for (long window = 0; window < size; window += EXTENT_WINDOW) {
            long windowLen = Math.min(EXTENT_WINDOW, size - window);
            List<Extent> extents = src.extents(window, windowLen);
            for (Extent e : extents) {
                if (e.kind().readsAsZero()) {
                    if (pendingZeroLen == 0) {
                        pendingZeroStart = e.offset();
                    }
                    pendingZeroLen += e.length();
                    counts[1] += e.length();
                    continue;
                }
                for (long pos = e.offset(); pos < e.end(); ) {
                    int n = (int) Math.min(chunkSize - (pos % chunkSize), e.end() - pos);
                    ByteBuffer buf = free.take();
                    buf.clear().limit(n);
                    src.read(buf, pos);
                    buf.flip();
                    counts[0] += n;
                    if (detectZeroes && isAllZero(buf)) {
                        free.put(buf);
                        if (pendingZeroLen == 0) {
                            pendingZeroStart = pos;
                        }
                        pendingZeroLen += n;
                        counts[1] += n;
                    } else {
                        if (pendingZeroLen > 0) {
                            out.put(new Piece(pendingZeroStart, pendingZeroLen, null));
                            pendingZeroLen = 0;
                        }
                        out.put(new Piece(pos, n, buf));
                    }
                    pos += n;
                }
            }
        }
        if (pendingZeroLen > 0) {
            out.put(new Piece(pendingZeroStart, pendingZeroLen, null));
        }
        out.put(Piece.END);
    }

    private static void observeAll(BlockingQueue<Piece> in, BlockingQueue<Piece> out, CopyObserver observer)
            throws IOException, InterruptedException {
        while (true) {
            Piece p = in.take();
            if (p == Piece.END) {
                out.put(p);
                return;
            }
            if (p.data() == null) {
                observer.zeros(p.offset(), p.length());
            } else {
                observer.data(p.offset(), p.data().duplicate());
            }
            out.put(p);
        }
    }

    private long writeAll(BlockingQueue<Piece> in, BlockingQueue<ByteBuffer> free, DiskSink dst)
            throws IOException, InterruptedException {
        long written = 0;
        boolean skipZeros = dst.unwrittenReadsAsZero();
        while (true) {
            Piece p = in.take();
            if (p == Piece.END) {
                return written;
            }
            if (p.data() == null) {
                if (!skipZeros) {
                    dst.writeZeroes(p.offset(), p.length());
                }
            } else {
                dst.write(p.data(), p.offset());
                written += p.length();
                free.put(p.data());
            }
            done.addAndGet(p.length());
        }
    }

    /** Vectorised comparison against a shared zero buffer, a few GiB/s. */
    static boolean isAllZero(ByteBuffer buf) {
        ByteBuffer zeros = ZERO.duplicate();
        int pos = buf.position();
        int end = buf.limit();
        while (pos < end) {
            int n = Math.min(zeros.capacity(), end - pos);
            zeros.clear().limit(n);
            if (buf.slice(pos, n).mismatch(zeros) != -1) {
                return false;
            }
            pos += n;
        }
        return true;
    }

    private static final ByteBuffer ZERO = ByteBuffer.allocateDirect(1 << 16).asReadOnlyBuffer();

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
