package org.smapimigrate.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A repeatable sparse benchmark disk: a raw file of which a given share of 2 MiB blocks holds
 * random bytes, turned into a dynamic VHD by qemu-img (a third-party writer, so the input is
 * neither ours nor tuned for us).
 */
public final class SparseInput {
    public static final int BLOCK = 2 << 20;

    private SparseInput() {
    }

    /** Writes {@code raw} and returns the bytes of data written (allocated blocks x 2 MiB). */
    public static long writeRaw(Path raw, long size, int percent, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);
        long data = 0;
        try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long blocks = size / BLOCK;
            for (long b = 0; b < blocks; b++) {
                if (random.nextInt(100) >= percent) {
                    continue;
                }
                block.clear();
                while (block.hasRemaining()) {
                    block.putLong(random.nextLong());
                }
                block.flip();
                long pos = b * BLOCK;
                while (block.hasRemaining()) {
                    pos += ch.write(block, pos);
                }
                data += BLOCK;
            }
            ch.truncate(size);
            if (ch.size() < size) {
                ch.write(ByteBuffer.allocate(1), size - 1); // the last byte, zero, to set the length
            }
        }
        return data;
    }

    /** Converts a raw file to a dynamic VHD of exactly the same size with qemu-img. */
    public static void toDynamicVhd(Path qemuImg, Path raw, Path vhd) throws IOException, InterruptedException {
        ExternalTool.run(List.of(qemuImg.toString(), "convert", "-f", "raw", "-O", "vpc",
                "-o", "subformat=dynamic,force_size=on", raw.toString(), vhd.toString()), null);
    }
}
