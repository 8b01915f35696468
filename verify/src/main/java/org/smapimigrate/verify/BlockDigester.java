package org.smapimigrate.verify;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.smapimigrate.disk.CopyObserver;

/**
 * Computes a {@link DiskDigest} from a stream of data chunks and zero runs given in offset order
 * without gaps, as {@link org.smapimigrate.disk.DiskCopy} reports them to its observer.
 *
 * <p>Spread over the cores: the digest is a tree (SHA-256 per 2 MiB block, then SHA-256 over the
 * block digests), so blocks are hashed independently by the shared {@link HashWorkers}, while
 * the pieces of one block are fed to its SHA-256 in order by one worker at a time
 * ({@link BlockTask}). The caller's thread only cuts the stream at block boundaries and hands the
 * pieces out, so it never waits for a hash; the whole-disk digest is folded in block order as
 * blocks finish. Whole blocks of zeros are never hashed: they take the known digest of zeros,
 * so a hole costs nothing.
 *
 * <p>Memory: the blocks in flight (bounded by the caller's buffers, which stay held until
 * hashed: see {@link #data(long, ByteBuffer, Runnable)}) plus 40 bytes per non-zero block.
 */
public final class BlockDigester implements CopyObserver {
    private static final int BLOCK = DiskDigest.BLOCK_SIZE;

    private final long size;
    /** Guards the fields below it; workers notify on it when a block finishes. */
    private final Object lock = new Object();
    /** Blocks and zero runs in disk order, not yet folded into {@link #whole}. */
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private final java.security.MessageDigest whole = ZeroDigests.sha256();
    private long[] indices = new long[64];
    private byte[] digests = new byte[64 * 32];
    private int count;
    private Throwable failure;
    private DiskDigest result;

    // Used by the calling thread only.
    private long pos;
    private BlockTask current;

    public BlockDigester(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative disk size " + size);
        }
        this.size = size;
    }

    /** Bytes covered so far. */
    public long position() {
        return pos;
    }

    /** Hashes {@code data} before returning (the caller may reuse the buffer at once). */
    @Override
    public void data(long offset, ByteBuffer data) throws IOException {
        CountDownLatch hashed = new CountDownLatch(1);
        data(offset, data, hashed::countDown);
        try {
            hashed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing");
        }
        rethrowFailure();
    }

    /**
     * Hands {@code data} (position to limit) to the hash workers and returns at once; the buffer's
     * bytes must stay as they are until {@code release} has run, which happens exactly once, on a
     * worker thread, when they are hashed (or hashing failed). Calls must come from one thread.
     */
    @Override
    public void data(long offset, ByteBuffer data, Runnable release) throws IOException {
        int length = data.remaining();
        expect(offset, length);
        rethrowFailure();
        ByteBuffer buf = data.duplicate();
        Release once = new Release(release, partsOf(length));
        while (buf.hasRemaining()) {
            BlockTask task = blockAtPosition();
            int n = (int) Math.min(buf.remaining(), task.length - task.queued);
            task.add(buf.slice(buf.position(), n), n, once);
            buf.position(buf.position() + n);
            advance(task, n);
        }
    }

    @Override
    public void zeros(long offset, long length) throws IOException {
        expect(offset, length);
        rethrowFailure();
        long left = length;
        while (left > 0) {
            long index = pos / BLOCK;
            if (current == null && left >= blockLength(index)) {
                // Whole blocks of zeros: their digest is known, nothing to hash.
                long blocks = Math.min(left / BLOCK, DiskDigest.blockCount(size) - index);
                if (blocks == 0) {
                    blocks = 1; // the short last block
                }
                long bytes = Math.min(left, blocks * BLOCK);
                addSlot(new ZeroRun(index, blocks));
                pos += bytes;
                left -= bytes;
                continue;
            }
            BlockTask task = blockAtPosition();
            int n = (int) Math.min(left, task.length - task.queued);
            task.add(null, n, null);
            left -= n;
            advance(task, n);
        }
    }

    /** The digest, once every byte of the disk has been given; waits for the workers. */
    public DiskDigest finish() throws IOException {
        if (result != null) {
            return result;
        }
        if (pos != size) {
            throw new IllegalStateException("digest finished at byte " + pos + " of " + size);
        }
        synchronized (lock) {
            while (!slots.isEmpty() && failure == null) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while hashing");
                }
            }
            rethrowFailure();
            result = new DiskDigest(size, whole.digest(), Arrays.copyOf(indices, count),
                    Arrays.copyOf(digests, count * 32));
        }
        return result;
    }

    /** How many block pieces a chunk of {@code length} bytes at the current position is cut into. */
    private int partsOf(long length) {
        if (length == 0) {
            return 0;
        }
        long first = pos / BLOCK;
        long last = (pos + length - 1) / BLOCK;
        return (int) (last - first + 1);
    }

    private BlockTask blockAtPosition() {
        if (current == null) {
            long index = pos / BLOCK;
            current = new BlockTask(this, index, (int) blockLength(index));
            addSlot(current);
        }
        return current;
    }

    private void advance(BlockTask task, int n) {
        pos += n;
        if (task.queued == task.length) {
            current = null;
        }
    }

    private void addSlot(Slot s) {
        synchronized (lock) {
            slots.add(s);
            fold();
        }
    }

    /** Called by a worker when {@code task} has its digest (or failed). */
    void finished(BlockTask task, Throwable t) {
        synchronized (lock) {
            if (t != null && failure == null) {
                failure = t;
            }
            fold();
            lock.notifyAll();
        }
    }

    /** Folds finished blocks at the head of the queue into the whole-disk digest, in disk order. */
    private void fold() {
        while (!slots.isEmpty()) {
            Slot s = slots.peek();
            if (s instanceof ZeroRun z) {
                for (long b = 0; b < z.blocks; b++) {
                    whole.update(ZeroDigests.of(blockLength(z.first + b)));
                }
            } else {
                BlockTask t = (BlockTask) s;
                byte[] d = t.digest();
                if (d == null) {
                    return; // not hashed yet: later blocks wait for it
                }
                record(t.index, d);
            }
            slots.poll();
        }
    }

    private void record(long blockIndex, byte[] digest) {
        byte[] zero = ZeroDigests.of(blockLength(blockIndex));
        if (Arrays.equals(digest, zero)) {
            whole.update(zero);
            return;
        }
        whole.update(digest);
        if (count == indices.length) {
            indices = Arrays.copyOf(indices, count * 2);
            digests = Arrays.copyOf(digests, count * 64);
        }
        indices[count] = blockIndex;
        System.arraycopy(digest, 0, digests, count * 32, 32);
        count++;
    }

    private void rethrowFailure() throws IOException {
        Throwable t;
        synchronized (lock) {
            t = failure;
        }
        if (t != null) {
            throw new IOException("hashing failed: " + t, t);
        }
    }

    private void expect(long offset, long length) {
        if (result != null) {
            throw new IllegalStateException("digest already finished");
        }
        if (offset != pos) {
            throw new IllegalStateException("chunk at " + offset + " but the digest is at " + pos
                    + ": chunks must come in order without gaps");
        }
        if (length < 0 || pos + length > size) {
            throw new IllegalStateException("chunk of " + length + " bytes at " + offset
                    + " runs past the end of the disk (" + size + ")");
        }
    }

    private long blockLength(long index) {
        return Math.min(BLOCK, size - index * BLOCK);
    }

    /** An entry of the fold queue: a block being hashed, or a run of whole zero blocks. */
    interface Slot {
    }

    private record ZeroRun(long first, long blocks) implements Slot {
    }

    /** Runs the caller's release once every piece cut from its chunk is hashed. */
    static final class Release {
        private final Runnable release;
        private final java.util.concurrent.atomic.AtomicInteger left;

        Release(Runnable release, int parts) {
            this.release = release;
            this.left = new java.util.concurrent.atomic.AtomicInteger(parts);
            if (parts == 0) {
                release.run();
            }
        }

        void done() {
            if (left.decrementAndGet() == 0) {
                release.run();
            }
        }
    }
}
