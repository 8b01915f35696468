package org.smapimigrate.verify;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayDeque;

/**
 * One 2 MiB block being hashed: its pieces (data slices and zero runs) arrive in order from the
 * digester's thread and are fed to the block's SHA-256 in that order by whichever shared worker
 * runs {@link #drain()}; at most one worker drains a block at a time (a serial executor over the
 * shared pool, as Guava's SequentialExecutor), so a block never waits for a worker of its own
 * and a worker never waits for a piece.
 */
final class BlockTask implements BlockDigester.Slot {
    final long index;
    final int length;
    /** Bytes handed over so far (digester thread only). */
    int queued;

    private final BlockDigester owner;
    private final ArrayDeque<Piece> pending = new ArrayDeque<>();
    private boolean scheduled;
    private MessageDigest sha;
    private int hashed;
    private volatile byte[] digest;

    BlockTask(BlockDigester owner, long index, int length) {
        this.owner = owner;
        this.index = index;
        this.length = length;
    }

    /** The block's SHA-256 once every byte is hashed, else null. */
    byte[] digest() {
        return digest;
    }

    /** A data slice ({@code data != null}, released through {@code release}) or {@code n} zero bytes. */
    void add(ByteBuffer data, int n, BlockDigester.Release release) {
        queued += n;
        boolean start;
        synchronized (this) {
            pending.add(new Piece(data, n, release));
            start = !scheduled;
            scheduled = true;
        }
        if (start) {
            HashWorkers.run(this::drain);
        }
    }

    private void drain() {
        while (true) {
            Piece p;
            synchronized (this) {
                p = pending.poll();
                if (p == null) {
                    scheduled = false;
                    return;
                }
            }
            Throwable failed = null;
            try {
                if (sha == null) {
                    sha = ZeroDigests.sha256();
                }
                if (p.data != null) {
                    sha.update(p.data);
                } else {
                    ByteBuffer z = ZeroDigests.ZEROS.duplicate();
                    z.limit(p.length);
                    sha.update(z);
                }
                hashed += p.length;
                if (hashed == length) {
                    digest = sha.digest();
                    sha = null;
                }
            } catch (Throwable t) {
                failed = t;
            } finally {
                if (p.release != null) {
                    p.release.done();
                }
            }
            if (failed != null || hashed == length) {
                owner.finished(this, failed);
            }
        }
    }

    private record Piece(ByteBuffer data, int length, BlockDigester.Release release) {
    }
}
