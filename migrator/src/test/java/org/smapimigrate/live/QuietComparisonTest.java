package org.smapimigrate.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.disk.RawFileDisk;
import org.smapimigrate.disk.VirtualDisk;

/**
 * The switch-over's byte comparison: equal disks give the SHA-256 that {@code sha256sum} prints
 * for the source's raw image; one differing byte, in a range the source has allocated or in one
 * it reports unallocated (where the source must not even be read), fails naming its offset.
 */
class QuietComparisonTest {
    private static final int MIB = 1 << 20;
    // Not a multiple of the chunk: the last chunk is short. Holes: [1 MiB, 3 MiB + 512) and the tail.
    private static final long SIZE = 5L * MIB + 4096;
    private static final long HOLE_START = MIB;
    private static final long HOLE_END = 3L * MIB + 512;
    private static final long TAIL_HOLE = 5L * MIB;

    @TempDir
    Path dir;

    @Test
    void equalDisksGiveTheSourcesSha256AsSha256sumPrintsIt() throws Exception {
        Path src = image("source.raw");
        Path tgt = Files.copy(src, dir.resolve("target.raw"));
        String digest;
        try (VirtualDisk s = new Sparse(RawFileDisk.open(src)); VirtualDisk t = RawFileDisk.open(tgt)) {
            digest = QuietComparison.compare(s, t, SIZE, "vol-1");
        }
        assertEquals("sha256:" + sha256sum(src), digest);
    }

    @Test
    void aByteThatDiffersWhereTheSourceHasDataIsNamed() throws Exception {
        Path src = image("source.raw");
        Path tgt = Files.copy(src, dir.resolve("target.raw"));
        long at = 4L * MIB + 12345;
        flip(tgt, at);
        assertDiffersAt(src, tgt, at);
    }

    @Test
    void aNonZeroByteWhereTheSourceIsUnallocatedIsNamed() throws Exception {
        Path src = image("source.raw");
        Path tgt = Files.copy(src, dir.resolve("target.raw"));
        long at = HOLE_START + 2 * MIB + 7; // inside the hole, in its second chunk
        flip(tgt, at);
        assertDiffersAt(src, tgt, at);
    }

    @Test
    void aByteThatDiffersInTheShortLastChunkIsNamed() throws Exception {
        Path src = image("source.raw");
        Path tgt = Files.copy(src, dir.resolve("target.raw"));
        flip(tgt, SIZE - 1);
        assertDiffersAt(src, tgt, SIZE - 1);
    }

    private void assertDiffersAt(Path src, Path tgt, long at) throws IOException {
        try (VirtualDisk s = new Sparse(RawFileDisk.open(src)); VirtualDisk t = RawFileDisk.open(tgt)) {
            QuietComparison.Differs e = assertThrows(QuietComparison.Differs.class,
                    () -> QuietComparison.compare(s, t, SIZE, "vol-1"));
            assertEquals(at, e.offset);
            assertTrue(e.getMessage().contains("byte offset " + at) && e.getMessage().contains("vol-1"), e.getMessage());
        }
    }

    /** Random bytes everywhere but the holes, which hold zeros. */
    private Path image(String name) throws IOException {
        byte[] b = new byte[(int) SIZE];
        new Random(13).nextBytes(b);
        java.util.Arrays.fill(b, (int) HOLE_START, (int) HOLE_END, (byte) 0);
        java.util.Arrays.fill(b, (int) TAIL_HOLE, (int) SIZE, (byte) 0);
        return Files.write(dir.resolve(name), b);
    }

    private static void flip(Path p, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.seek(at);
            int v = f.read();
            f.seek(at);
            f.write(v ^ 0x5a);
        }
    }

    private static String sha256sum(Path p) throws Exception {
        Process pr;
        try {
            pr = new ProcessBuilder("sha256sum", p.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("sha256sum is needed (Debian: coreutils)", e);
        }
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertEquals(0, pr.waitFor(), out);
        return out.substring(0, 64);
    }

    /** The raw image with the holes reported unallocated; reading inside a hole fails the test. */
    private static final class Sparse implements VirtualDisk {
        private final RawFileDisk raw;

        Sparse(RawFileDisk raw) {
            this.raw = raw;
        }

        @Override
        public long size() {
            return raw.size();
        }

        @Override
        public void read(ByteBuffer dst, long offset) throws IOException {
            long end = offset + dst.remaining();
            if (offset < HOLE_END && end > HOLE_START || end > TAIL_HOLE) {
                throw new AssertionError("the source was read in an unallocated range at " + offset);
            }
            raw.read(dst, offset);
        }

        @Override
        public List<Extent> extents(long offset, long length) {
            long[][] runs = {{0, HOLE_START, 1}, {HOLE_START, HOLE_END, 0}, {HOLE_END, TAIL_HOLE, 1}, {TAIL_HOLE, SIZE, 0}};
            List<Extent> out = new ArrayList<>();
            for (long[] r : runs) {
                long a = Math.max(r[0], offset);
                long b = Math.min(r[1], offset + length);
                if (a < b) {
                    out.add(new Extent(a, b - a, r[2] == 1 ? ExtentKind.DATA : ExtentKind.UNALLOCATED));
                }
            }
            return out;
        }

        @Override
        public String describe() {
            return "sparse test source";
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }
}
