package org.smapimigrate.verify;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.smapimigrate.disk.CopyObserver;

/**
 * Computes a {@link DiskDigest} from a stream of data chunks and zero runs given in offset order
 * without gaps, as {@link org.smapimigrate.disk.DiskCopy} reports them to its observer. Zero runs
 * and all-zero blocks are not hashed: they take the known digest of zeros. Memory: one block's
 * hashing state plus 40 bytes per non-zero block.
 */
public final class BlockDigester implements CopyObserver {
    private static final int BLOCK = DiskDigest.BLOCK_SIZE;

    private final long size;
    private final MessageDigest block = ZeroDigests.sha256();
    private final MessageDigest whole = ZeroDigests.sha256();
    private long pos;
    private long blockIndex;
    private int inBlock;
    private long[] indices = new long[64];
    private byte[] digests = new byte[64 * 32];
    private int count;
    private DiskDigest result;

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

    @Override
    public void data(long offset, ByteBuffer data) throws IOException {
        expect(offset, data.remaining());
        ByteBuffer buf = data.duplicate();
        hashWholeBlocksInParallel(buf);
        while (buf.hasRemaining()) {
            int n = (int) Math.min(buf.remaining(), blockLength(blockIndex) - inBlock);
            ByteBuffer piece = buf.slice(buf.position(), n);
            if (inBlock == 0 && n == blockLength(blockIndex) && isZero(piece)) {
                finishBlock(null);
            } else {
                block.update(piece);
                inBlock += n;
                if (inBlock == blockLength(blockIndex)) {
                    finishBlock(block.digest());
                }
            }
            buf.position(buf.position() + n);
            pos += n;
        }
    }

    @Override
    public void zeros(long offset, long length) throws IOException {
        expect(offset, length);
        long left = length;
        while (left > 0) {
            long room = blockLength(blockIndex) - inBlock;
            if (inBlock == 0 && left >= room) {
                finishBlock(null); // a whole block of zeros: its digest is known
                pos += room;
                left -= room;
                continue;
            }
            int n = (int) Math.min(left, room);
            block.update(ZeroDigests.ZEROS.duplicate().limit(n));
            inBlock += n;
            pos += n;
            left -= n;
            if (inBlock == blockLength(blockIndex)) {
                finishBlock(block.digest());
            }
        }
    }

    /**
     * SHA-256 runs at about 1 GiB/s on one core, slower than a copy: when a chunk starts on a block
     * boundary and holds several whole blocks, half of them are hashed on a second thread (blocks
     * are hashed independently, so the result is the same). Advances {@code buf} past them.
     */
    private void hashWholeBlocksInParallel(ByteBuffer buf) throws IOException {
        if (inBlock != 0) {
            return;
        }
        List<ByteBuffer> blocks = new ArrayList<>();
        int at = buf.position();
        for (long b = blockIndex; buf.limit() - at >= blockLength(b) && blockLength(b) > 0; b++) {
            int len = (int) blockLength(b);
            blocks.add(buf.slice(at, len));
            at += len;
        }
        if (blocks.size() < 2) {
            return;
        }
        byte[][] digests = new byte[blocks.size()][];
        int half = blocks.size() / 2;
        Future<?> other = HELPER.submit(() -> {
            for (int i = 0; i < half; i++) {
                digests[i] = digestOrNull(blocks.get(i));
            }
        });
        for (int i = half; i < blocks.size(); i++) {
            digests[i] = digestOrNull(blocks.get(i));
        }
        try {
            other.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while hashing");
        } catch (ExecutionException e) {
            throw new IOException("hashing failed", e.getCause());
        }
        for (int i = 0; i < blocks.size(); i++) {
            finishBlock(digests[i]);
            pos += blocks.get(i).remaining();
        }
        buf.position(at);
    }

    private static byte[] digestOrNull(ByteBuffer blockData) {
        if (isZero(blockData)) {
            return null;
        }
        MessageDigest md = ZeroDigests.sha256();
        md.update(blockData.duplicate());
        return md.digest();
    }

    /** The second hashing thread, shared: daemon, so it never keeps the JVM alive. */
    private static final ExecutorService HELPER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "block-digest");
        t.setDaemon(true);
        return t;
    });

    /** The digest, once every byte of the disk has been seen. */
    public DiskDigest finish() {
        if (result == null) {
            if (pos != size) {
                throw new IllegalStateException("digest finished at byte " + pos + " of " + size);
            }
            result = new DiskDigest(size, whole.digest(), Arrays.copyOf(indices, count),
                    Arrays.copyOf(digests, count * 32));
        }
        return result;
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

    /** Records the finished block; {@code digest == null} means it was all zeros. */
    private void finishBlock(byte[] digest) {
        long len = blockLength(blockIndex);
        byte[] zero = ZeroDigests.of(len);
        if (digest == null || Arrays.equals(digest, zero)) {
            whole.update(zero);
        } else {
            whole.update(digest);
            if (count == indices.length) {
                indices = Arrays.copyOf(indices, count * 2);
                digests = Arrays.copyOf(digests, count * 64);
            }
            indices[count] = blockIndex;
            System.arraycopy(digest, 0, digests, count * 32, 32);
            count++;
        }
        blockIndex++;
        inBlock = 0;
    }

    private static boolean isZero(ByteBuffer piece) {
        return piece.mismatch(ZeroDigests.ZEROS.duplicate().limit(piece.remaining())) == -1;
    }
}
