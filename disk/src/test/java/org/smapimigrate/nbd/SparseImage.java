package org.smapimigrate.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

/**
 * Test input: a repeatable raw image with runs of random data among zero runs, like a VM disk,
 * and the obvious copy of such an image into a sink (data written, zero runs zeroed).
 */
final class SparseImage {
    static final int BLOCK = 64 * 1024;

    private SparseImage() {
    }

    /**
     * Writes a sparse raw file of {@code size} bytes: each 64 KiB block is zero (about half),
     * fully random, or random in its first {@code 512 * k} bytes only.
     *
     * @return the number of blocks holding data
     */
    static int create(Path path, long size, long seed) throws IOException {
        Random random = new Random(seed);
        int dataBlocks = 0;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.truncate(0);
            byte[] block = new byte[BLOCK];
            for (long off = 0; off < size; off += BLOCK) {
                int kind = random.nextInt(4);
                if (kind < 2) {
                    continue;
                }
                int length = kind == 2 ? BLOCK : 512 * (1 + random.nextInt(BLOCK / 512 - 1));
                random.nextBytes(block);
                block[0] |= 1; // a data block never reads as all zeros
                ch.write(ByteBuffer.wrap(block, 0, length), off);
                dataBlocks++;
            }
            // Grow to size without allocating the tail.
            if (ch.size() < size) {
                ch.write(ByteBuffer.allocate(1), size - 1);
            }
        }
        return dataBlocks;
    }

    /** Copies {@code image} into {@code sink}: data blocks written, zero blocks as writeZeroes runs. */
    static void copy(Path image, NbdSink sink) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer block = ByteBuffer.allocate(BLOCK);
            long zeroStart = -1;
            for (long off = 0; off < size; off += BLOCK) {
                block.clear().limit((int) Math.min(BLOCK, size - off));
                while (block.hasRemaining()) {
                    ch.read(block, off + block.position());
                }
                block.flip();
                if (isZero(block)) {
                    if (zeroStart < 0) {
                        zeroStart = off;
                    }
                    continue;
                }
                if (zeroStart >= 0) {
                    sink.writeZeroes(zeroStart, off - zeroStart);
                    zeroStart = -1;
                }
                sink.write(block, off);
            }
            if (zeroStart >= 0) {
                sink.writeZeroes(zeroStart, size - zeroStart);
            }
        }
    }

    static boolean isZero(ByteBuffer b) {
        for (int i = b.position(); i < b.limit(); i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
