package org.smapimigrate.verify;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import org.smapimigrate.disk.CopyObserver;
import org.smapimigrate.disk.DiskCopy;
import org.smapimigrate.disk.VirtualDisk;

/**
 * Computes {@link BlockChecks} from the stream a {@link DiskCopy} shows its observer (data and
 * zero runs in offset order, without gaps), on the calling thread: the CRCs run at memory speed,
 * so handing them to other threads would cost more than it saves. Whole blocks of zeros take the
 * known check of zeros. Memory: 16 bytes per non-zero block.
 */
public final class BlockChecker implements CopyObserver {
    private static final int BLOCK = DiskDigest.BLOCK_SIZE;
    private static final ConcurrentHashMap<Long, Long> ZERO_CHECKS = new ConcurrentHashMap<>();

    private final long size;
    private final MessageDigest whole = ZeroDigests.sha256();
    private final byte[] eight = new byte[8];
    private final CRC32C crc32c = new CRC32C();
    private final CRC32 crc32 = new CRC32();
    private long[] indices = new long[64];
    private long[] checks = new long[64];
    private int count;
    private long pos;
    /** Bytes of the current block fed to the CRCs so far. */
    private int inBlock;
    private BlockChecks result;

    public BlockChecker(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative disk size " + size);
        }
        this.size = size;
    }

    /** The checks of the first {@code disk.size()} bytes of {@code disk}, read through {@code copy}'s pipeline. */
    public static BlockChecks of(VirtualDisk disk, DiskCopy copy) throws IOException {
        BlockChecker c = new BlockChecker(disk.size());
        copy.copy(disk, new DiscardingSink(disk.size()), c);
        return c.finish();
    }

    /**
     * The same checks, read by {@code copies.size()} pipelines at once, each over its own run of
     * whole blocks (the disk cut into equal parts at block boundaries), the first on the calling
     * thread. A read-back is bound by the reading, the zero detection and the CRCs, all on one
     * reader thread per pipeline, so on two cores two pipelines take about half the time. The
     * disk must allow reads from several threads at once (a file read by position does: see
     * {@link java.nio.channels.FileChannel}). The result equals {@link #of(VirtualDisk, DiskCopy)}'s.
     */
    public static BlockChecks of(VirtualDisk disk, List<DiskCopy> copies) throws IOException {
        long size = disk.size();
        long blocks = DiskDigest.blockCount(size);
        int parts = (int) Math.max(1, Math.min(copies.size(), blocks));
        if (parts == 1) {
            return of(disk, copies.get(0));
        }
        long[] starts = new long[parts + 1];
        for (int i = 0; i <= parts; i++) {
            starts[i] = Math.min(size, blocks * i / parts * BLOCK);
        }
        BlockChecks[] got = new BlockChecks[parts];
        Throwable[] failed = new Throwable[parts];
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i < parts; i++) {
            int part = i;
            Thread t = new Thread(() -> {
                try {
                    got[part] = of(new DiskRange(disk, starts[part], starts[part + 1] - starts[part]), copies.get(part));
                } catch (Throwable e) {
                    failed[part] = e;
                }
            }, "read-back-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        try {
            got[0] = of(new DiskRange(disk, 0, starts[1]), copies.get(0));
        } catch (Throwable e) {
            failed[0] = e;
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the readers stop at the end of their part; wait for them
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        for (Throwable e : failed) {
            if (e instanceof IOException io) {
                throw io;
            } else if (e instanceof RuntimeException r) {
                throw r;
            } else if (e instanceof Error err) {
                throw err;
            } else if (e != null) {
                throw new IOException(e);
            }
        }
        return join(size, starts, got);
    }

    /** The checks of a whole disk from those of its consecutive parts (starting at {@code starts}, block-aligned). */
    static BlockChecks join(long size, long[] starts, BlockChecks[] parts) {
        int n = 0;
        for (BlockChecks p : parts) {
            n += p.indices().length;
        }
        long[] indices = new long[n];
        long[] checks = new long[n];
        int k = 0;
        for (int i = 0; i < parts.length; i++) {
            long first = starts[i] / BLOCK;
            for (int j = 0; j < parts[i].indices().length; j++) {
                indices[k] = parts[i].indices()[j] + first;
                checks[k] = parts[i].checks()[j];
                k++;
            }
        }
        // The whole value is over every block's check in order, zero blocks included.
        MessageDigest whole = ZeroDigests.sha256();
        byte[] eight = new byte[8];
        long blocks = DiskDigest.blockCount(size);
        int next = 0;
        for (long b = 0; b < blocks; b++) {
            long check;
            if (next < n && indices[next] == b) {
                check = checks[next++];
            } else {
                check = zeroCheck(Math.min(BLOCK, size - b * BLOCK));
            }
            for (int i = 0; i < 8; i++) {
                eight[i] = (byte) (check >>> (56 - 8 * i));
            }
            whole.update(eight);
        }
        return new BlockChecks(size, whole.digest(), indices, checks);
    }

    /**
     * An observer that shows every piece to this checker (on the calling thread) and then to
     * {@code digester}: one read of the data gives the digest and the checks.
     */
    public CopyObserver alongside(BlockDigester digester) {
        BlockChecker self = this;
        return new CopyObserver() {
            @Override
            public void data(long offset, ByteBuffer data) throws IOException {
                self.data(offset, data);
                digester.data(offset, data);
            }

            @Override
            public void data(long offset, ByteBuffer data, Runnable release) throws IOException {
                try {
                    self.data(offset, data);
                } catch (RuntimeException e) {
                    release.run();
                    throw e;
                }
                digester.data(offset, data, release);
            }

            @Override
            public void zeros(long offset, long length) throws IOException {
                self.zeros(offset, length);
                digester.zeros(offset, length);
            }
        };
    }

    @Override
    public void data(long offset, ByteBuffer data) {
        expect(offset, data.remaining());
        ByteBuffer buf = data.duplicate();
        while (buf.hasRemaining()) {
            int n = (int) Math.min(buf.remaining(), blockLength(pos / BLOCK) - inBlock);
            ByteBuffer piece = buf.slice(buf.position(), n);
            crc32c.update(piece.duplicate());
            crc32.update(piece);
            buf.position(buf.position() + n);
            advance(n);
        }
    }

    @Override
    public void zeros(long offset, long length) {
        expect(offset, length);
        long left = length;
        while (left > 0) {
            long index = pos / BLOCK;
            long blockLength = blockLength(index);
            if (inBlock == 0 && left >= blockLength) {
                // A whole block of zeros: its check is known.
                record(index, zeroCheck(blockLength));
                pos += blockLength;
                left -= blockLength;
                continue;
            }
            int n = (int) Math.min(left, blockLength - inBlock);
            feedZeros(n);
            left -= n;
            advance(n);
        }
    }

    /** The checks, once every byte of the disk has been given. */
    public BlockChecks finish() {
        if (result == null) {
            if (pos != size) {
                throw new IllegalStateException("checks finished at byte " + pos + " of " + size);
            }
            result = new BlockChecks(size, whole.digest(), Arrays.copyOf(indices, count), Arrays.copyOf(checks, count));
        }
        return result;
    }

    private void advance(int n) {
        pos += n;
        inBlock += n;
        long index = (pos - 1) / BLOCK;
        if (inBlock == blockLength(index)) {
            record(index, (crc32c.getValue() << 32) | crc32.getValue());
            crc32c.reset();
            crc32.reset();
            inBlock = 0;
        }
    }

    private void feedZeros(int n) {
        ByteBuffer z = ZeroDigests.ZEROS.duplicate();
        z.limit(n);
        crc32c.update(z.duplicate());
        crc32.update(z);
    }

    private void record(long index, long check) {
        for (int i = 0; i < 8; i++) {
            eight[i] = (byte) (check >>> (56 - 8 * i));
        }
        whole.update(eight);
        if (check == zeroCheck(blockLength(index))) {
            return;
        }
        if (count == indices.length) {
            indices = Arrays.copyOf(indices, count * 2);
            checks = Arrays.copyOf(checks, count * 2);
        }
        indices[count] = index;
        checks[count] = check;
        count++;
    }

    /** The check of {@code length} zero bytes, {@code 0 < length <= BLOCK_SIZE}. */
    static long zeroCheck(long length) {
        return ZERO_CHECKS.computeIfAbsent(length, l -> {
            CRC32C c = new CRC32C();
            CRC32 d = new CRC32();
            c.update(ZeroDigests.ZEROS.duplicate().limit((int) (long) l));
            d.update(ZeroDigests.ZEROS.duplicate().limit((int) (long) l));
            return (c.getValue() << 32) | d.getValue();
        });
    }

    private void expect(long offset, long length) {
        if (result != null) {
            throw new IllegalStateException("checks already finished");
        }
        if (offset != pos) {
            throw new IllegalStateException("chunk at " + offset + " but the checks are at " + pos
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
}
