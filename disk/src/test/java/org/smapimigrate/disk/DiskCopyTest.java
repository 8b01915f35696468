package org.smapimigrate.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskCopyTest {

    /** A sink over a byte array that starts filled with garbage, so skipped zero runs would show. */
    static class MemorySink implements DiskSink {
        final byte[] bytes;
        final boolean fresh;

        MemorySink(int size, boolean fresh) {
            bytes = new byte[size];
            this.fresh = fresh;
            if (!fresh) {
                Arrays.fill(bytes, (byte) 0xA5);
            }
        }

        @Override public long size() { return bytes.length; }
        @Override public void write(ByteBuffer src, long offset) { src.get(bytes, (int) offset, src.remaining()); }
        @Override public void writeZeroes(long offset, long length) { Arrays.fill(bytes, (int) offset, (int) (offset + length), (byte) 0); }
        @Override public boolean unwrittenReadsAsZero() { return fresh; }
        @Override public void flush() { }
        @Override public String describe() { return "memory-sink"; }
        @Override public void close() { }
    }

    /** Records that observer calls are in order and cover the disk exactly once. */
    static final class CoverageObserver implements CopyObserver {
        long next;
        byte[] seen;

        CoverageObserver(int size) {
            seen = new byte[size];
        }

        @Override
        public void data(long offset, ByteBuffer data) {
            assertEquals(next, offset, "observer data out of order");
            int n = data.remaining();
            data.get(seen, (int) offset, n);
            next += n;
        }

        @Override
        public void zeros(long offset, long length) {
            assertEquals(next, offset, "observer zeros out of order");
            next += length;
        }
    }

    @Property(tries = 200)
    void copyReproducesTheSourceAndObserverSeesEveryByte(
            @ForAll @IntRange(min = 1, max = 300) int sectors,
            @ForAll @IntRange(min = 0, max = 20) int writes,
            @ForAll long seed,
            @ForAll boolean freshTarget,
            @ForAll @IntRange(min = 1, max = 8) int chunkSectors) throws IOException {
        Random r = new Random(seed);
        MemoryDisk src = new MemoryDisk(sectors);
        for (int i = 0; i < writes; i++) {
            int at = r.nextInt(sectors);
            int len = 1 + r.nextInt(Math.min(16, sectors - at));
            byte[] data = new byte[len * 512];
            if (r.nextInt(4) > 0) { // some writes are zeros: still allocated, must still read as zeros
                r.nextBytes(data);
            }
            src.write(at, data);
        }
        MemorySink dst = new MemorySink(sectors * 512, freshTarget);
        CoverageObserver obs = new CoverageObserver(sectors * 512);
        CopyStats stats = new DiskCopy(chunkSectors * 512, 3, true).copy(src, dst, obs);

        assertArrayEquals(src.bytes, dst.bytes);
        assertEquals(src.size(), obs.next);
        assertArrayEquals(src.bytes, obs.seen); // zero runs leave zeros in 'seen'
        assertEquals(src.size(), stats.virtualBytes());
    }

    @Property(tries = 150)
    void overlayWritesOnlyWhatTheSourceHoldsZerosIncluded(
            @ForAll @IntRange(min = 1, max = 400) int sectors,
            @ForAll @IntRange(min = 0, max = 20) int writes,
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 300) int chunkSectors) throws IOException {
        Random r = new Random(seed);
        MemoryDisk src = new MemoryDisk(sectors);
        for (int i = 0; i < writes; i++) {
            int at = r.nextInt(sectors);
            int len = 1 + r.nextInt(Math.min(200, sectors - at));
            byte[] data = new byte[len * 512];
            if (r.nextBoolean()) { // zeros written by the source must hide the target's bytes
                r.nextBytes(data);
            }
            src.write(at, data);
        }
        MemorySink dst = new MemorySink(sectors * 512, false); // 0xA5 stands for the parent's data
        byte[] expected = dst.bytes.clone();
        for (int s = 0; s < sectors; s++) {
            if (src.allocated[s]) {
                System.arraycopy(src.bytes, s * 512, expected, s * 512, 512);
            }
        }
        new DiskCopy(chunkSectors * 512, 3, true).overlay().copy(src, dst, null);
        assertArrayEquals(expected, dst.bytes);
    }

    @Property(tries = 60)
    void exactlyTheAllZeroGranulesOfDataAreLeftUnwritten(
            @ForAll @IntRange(min = 1, max = 24) int granules,
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 1024) int chunkSectors) throws IOException {
        // The model: a 64 KiB granule (aligned to disk offsets) of allocated data is written
        // unless every byte of it is zero.
        int granule = DiskCopy.ZERO_GRANULE;
        Random r = new Random(seed);
        int sectors = granules * granule / 512 - r.nextInt(128); // the last granule may be short
        MemoryDisk src = new MemoryDisk(sectors);
        byte[] all = new byte[sectors * 512];
        for (int g = 0; g * granule < all.length; g++) {
            int end = Math.min(all.length, (g + 1) * granule);
            switch (r.nextInt(3)) {
                case 0 -> { } // all zeros
                case 1 -> all[g * granule + r.nextInt(end - g * granule)] = (byte) (1 + r.nextInt(255)); // one byte
                default -> {
                    byte[] data = new byte[end - g * granule];
                    r.nextBytes(data);
                    System.arraycopy(data, 0, all, g * granule, data.length);
                }
            }
        }
        src.write(0, all);
        boolean[] written = new boolean[all.length];
        MemorySink dst = new MemorySink(all.length, true) {
            @Override
            public void write(ByteBuffer b, long offset) {
                Arrays.fill(written, (int) offset, (int) offset + b.remaining(), true);
                super.write(b, offset);
            }
        };
        new DiskCopy(chunkSectors * 512, 3, true).copy(src, dst, null);

        assertArrayEquals(all, dst.bytes);
        // The source is one extent, so chunks start at multiples of the chunk size; a granule
        // that a chunk boundary cuts is judged piece by piece.
        int chunk = chunkSectors * 512;
        for (int from = 0; from < all.length; ) {
            int to = Math.min(all.length, Math.min((from / granule + 1) * granule, (from / chunk + 1) * chunk));
            boolean zero = true;
            for (int i = from; i < to && zero; i++) {
                zero = all[i] == 0;
            }
            for (int i = from; i < to; i++) {
                assertEquals(!zero, written[i], "range " + from + ".." + to + ", byte " + i);
            }
            from = to;
        }
    }

    @Test
    void zeroRunsInsideDataStayHolesOnASparseTarget(@TempDir Path dir) throws IOException {
        // A raw-like source reports everything as data; 64 KiB zero granules must not be written.
        int sectors = 8 * 2048; // 8 MiB
        MemoryDisk src = new MemoryDisk(sectors);
        byte[] all = new byte[sectors * 512];
        new Random(3).nextBytes(all);
        java.util.Arrays.fill(all, 1 << 20, 7 << 20, (byte) 0); // 6 MiB of zeros in the middle
        src.write(0, all);
        Path out = dir.resolve("out.raw");
        try (FileSink sink = FileSink.createSparse(out, src.size())) {
            CopyStats s = DiskCopy.standard().copy(src, sink, null);
            assertEquals(2 << 20, s.writtenBytes());
            assertEquals(6 << 20, s.zeroBytes());
        }
        assertArrayEquals(all, Files.readAllBytes(out));
        assertTrue(allocatedBytes(out) < 4 << 20, "zero runs were written: " + allocatedBytes(out));
    }

    @Test
    void failingSinkStopsTheCopyWithItsError() {
        MemoryDisk src = new MemoryDisk(4096);
        byte[] data = new byte[512 * 4096];
        new Random(1).nextBytes(data);
        src.write(0, data);
        DiskSink broken = new MemorySink(512 * 4096, true) {
            @Override
            public void write(ByteBuffer b, long offset) {
                throw new java.io.UncheckedIOException(new IOException("disk on fire at " + offset));
            }
        };
        IOException e = assertThrows(IOException.class, () -> new DiskCopy(4096, 3, true).copy(src, broken, null));
        assertTrue(e.getMessage().contains("disk on fire"), e.getMessage());
    }

    @Test
    void copyIntoSparseFileLeavesHoles(@TempDir Path dir) throws IOException {
        int sectors = 64 * 2048; // 64 MiB
        MemoryDisk src = new MemoryDisk(sectors);
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        src.write(10 * 2048, data);
        Path out = dir.resolve("out.raw");
        try (FileSink sink = FileSink.createSparse(out, src.size())) {
            CopyStats s = DiskCopy.standard().copy(src, sink, null);
            assertEquals(1 << 20, s.writtenBytes());
        }
        byte[] back = Files.readAllBytes(out);
        assertArrayEquals(src.bytes, back);
        long allocated = allocatedBytes(out);
        assertTrue(allocated < 8L << 20, "holes were filled: " + allocated + " bytes allocated");
    }

    /** Bytes the file system allocated for a file, from stat(1) (Java has no st_blocks view). */
    static long allocatedBytes(Path file) throws IOException {
        Process p = new ProcessBuilder("stat", "--format=%b %B", file.toString()).redirectErrorStream(true).start();
        String[] out = new String(p.getInputStream().readAllBytes()).trim().split(" ");
        return Long.parseLong(out[0]) * Long.parseLong(out[1]);
    }

    @Test
    void allZeroDetection() {
        ByteBuffer b = ByteBuffer.allocateDirect(200_000);
        assertTrue(DiskCopy.isAllZero(b));
        b.put(199_999, (byte) 1);
        assertEquals(false, DiskCopy.isAllZero(b));
    }
}
