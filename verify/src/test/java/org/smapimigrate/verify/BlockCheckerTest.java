package org.smapimigrate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.DiskCopy;
import org.smapimigrate.disk.RawFileDisk;

/**
 * Block checks against a plain model (bitwise CRC-32C and CRC-32 from their polynomials, written
 * here, not java.util.zip), against Python's zlib for the CRC-32 half, and as the copy computes
 * them beside its digest.
 */
class BlockCheckerTest {
    private static final int BLOCK = DiskDigest.BLOCK_SIZE;

    @TempDir
    Path tmp;

    /** Bitwise reflected CRC with init and final xor all ones: CRC-32 (0xEDB88320) and CRC-32C (0x82F63B78). */
    static long crc(byte[] b, int from, int to, int poly) {
        int c = 0xFFFFFFFF;
        for (int i = from; i < to; i++) {
            c ^= b[i] & 0xFF;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ poly : c >>> 1;
            }
        }
        return ~c & 0xFFFFFFFFL;
    }

    /** The model's check of every block, in order. */
    static long[] modelChecks(byte[] disk) {
        int blocks = (disk.length + BLOCK - 1) / BLOCK;
        long[] out = new long[blocks];
        for (int i = 0; i < blocks; i++) {
            int from = i * BLOCK;
            int to = Math.min(disk.length, from + BLOCK);
            out[i] = (crc(disk, from, to, 0x82F63B78) << 32) | crc(disk, from, to, 0xEDB88320);
        }
        return out;
    }

    static byte[] randomDisk(Random r, int size) {
        byte[] disk = new byte[size];
        for (int pos = 0; pos < size; ) {
            int end = Math.min(size, pos + 1 + r.nextInt(3 << 20));
            if (r.nextBoolean()) {
                for (int i = pos; i < end; i++) {
                    disk[i] = (byte) r.nextInt();
                }
            }
            pos = end;
        }
        return disk;
    }

    /** Pieces of random sizes, zero runs where the bytes are zero, through the checker beside a digester. */
    @Property(tries = 25)
    void checksAndDigestMatchTheirModelsWhateverThePieces(@ForAll @IntRange(min = 0, max = 7 << 20) int size,
                                                          @ForAll long seed) throws Exception {
        Random r = new Random(seed);
        byte[] disk = randomDisk(r, size);
        BlockChecker checker = new BlockChecker(size);
        BlockDigester digester = new BlockDigester(size);
        var both = checker.alongside(digester);
        java.util.concurrent.atomic.AtomicInteger handed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger released = new java.util.concurrent.atomic.AtomicInteger();
        for (int pos = 0; pos < size; ) {
            int n = Math.min(size - pos, r.nextBoolean() ? 1 + r.nextInt(5000) : 1 + r.nextInt(5 << 20));
            boolean zero = true;
            for (int i = pos; i < pos + n && zero; i++) {
                zero = disk[i] == 0;
            }
            if (zero && r.nextBoolean()) {
                both.zeros(pos, n);
            } else {
                ByteBuffer buf = ByteBuffer.allocateDirect(n);
                buf.put(disk, pos, n).flip();
                handed.incrementAndGet();
                both.data(pos, buf, released::incrementAndGet);
            }
            pos += n;
        }
        BlockChecks got = checker.finish();
        long[] model = modelChecks(disk);
        List<Long> nonZero = new ArrayList<>();
        for (int i = 0; i < model.length; i++) {
            int len = Math.min(BLOCK, size - i * BLOCK);
            if (model[i] != modelChecks(new byte[len])[0]) {
                nonZero.add((long) i);
            }
        }
        assertEquals(nonZero.size(), got.nonZeroBlocks());
        for (int k = 0; k < nonZero.size(); k++) {
            assertEquals(nonZero.get(k), got.indices()[k]);
            assertEquals(model[(int) (long) nonZero.get(k)], got.checks()[k]);
        }
        java.security.MessageDigest w = java.security.MessageDigest.getInstance("SHA-256");
        for (long c : model) {
            w.update(ByteBuffer.allocate(8).putLong(c).array());
        }
        assertEquals(java.util.HexFormat.of().formatHex(w.digest()), got.whole());
        assertEquals(new DigestModel(disk).whole, digester.finish().whole(), "the digest beside the checks");
        assertEquals(handed.get(), released.get(), "every piece released once");
    }

    /**
     * A file read back by 1 to 4 readers at once, each over its own part (issue 10: the read-back
     * spread over the cores), gives the model's checks: every block's, in order, and the whole.
     */
    @Property(tries = 15)
    void aFileReadBackInPartsGivesTheModelsChecks(@ForAll @IntRange(min = 0, max = 9 << 20) int size,
                                                  @ForAll @IntRange(min = 1, max = 4) int readers,
                                                  @ForAll long seed) throws Exception {
        byte[] disk = randomDisk(new Random(seed), size);
        Path f = java.nio.file.Files.createTempFile("part", ".raw"); // jqwik tries get no @TempDir
        java.nio.file.Files.write(f, disk);
        List<DiskCopy> copies = new ArrayList<>();
        for (int i = 0; i < readers; i++) {
            copies.add(new DiskCopy(256 << 10, 3, true));
        }
        BlockChecks got;
        try (RawFileDisk d = RawFileDisk.open(f)) {
            got = BlockChecker.of(d, copies);
        } finally {
            java.nio.file.Files.delete(f);
        }
        long[] model = modelChecks(disk);
        List<Long> nonZero = new ArrayList<>();
        for (int i = 0; i < model.length; i++) {
            if (model[i] != modelChecks(new byte[Math.min(BLOCK, size - i * BLOCK)])[0]) {
                nonZero.add((long) i);
            }
        }
        assertEquals(nonZero.size(), got.nonZeroBlocks());
        for (int k = 0; k < nonZero.size(); k++) {
            assertEquals(nonZero.get(k), got.indices()[k]);
            assertEquals(model[(int) (long) nonZero.get(k)], got.checks()[k]);
        }
        java.security.MessageDigest w = java.security.MessageDigest.getInstance("SHA-256");
        for (long c : model) {
            w.update(ByteBuffer.allocate(8).putLong(c).array());
        }
        assertEquals(java.util.HexFormat.of().formatHex(w.digest()), got.whole());
        assertEquals(size, got.size());
    }

    /** A changed byte, a changed block and a block moved elsewhere are each found, by block. */
    @Test
    void everyDifferenceIsFoundAndPlaced() throws Exception {
        byte[] disk = randomDisk(new Random(3), (9 << 20) + 100);
        BlockChecks source = checksOf(disk);
        assertTrue(source.compare(checksOf(disk.clone())).matches());

        byte[] flipped = disk.clone();
        flipped[(5 << 20) + 17] ^= 1;
        var c = source.compare(checksOf(flipped));
        assertFalse(c.matches());
        assertEquals(1, c.mismatchedBlocks());
        assertEquals(List.of(2L), c.firstMismatches());

        byte[] moved = disk.clone();
        System.arraycopy(disk, 0, moved, 4 << 20, 2 << 20); // block 0's bytes written at block 2 too
        c = source.compare(checksOf(moved));
        assertFalse(c.matches());
        assertEquals(List.of(2L), c.firstMismatches());

        byte[] lost = disk.clone();
        java.util.Arrays.fill(lost, 0, 2 << 20, (byte) 0); // a write that never landed: a hole
        c = source.compare(checksOf(lost));
        assertEquals(List.of(0L), c.firstMismatches());
    }

    @Test
    void survivesJson() throws Exception {
        BlockChecks c = checksOf(randomDisk(new Random(9), (5 << 20) + 3));
        String json = ManifestFile.mapper().writeValueAsString(c);
        assertEquals(c, ManifestFile.mapper().readValue(json, BlockChecks.class));
        assertTrue(json.contains(BlockChecks.ALGORITHM), json);
    }

    /** The CRC-32 half of each block's check is what Python's zlib computes for that block of the file. */
    @Test
    void crc32HalfIsZlibsOfEachBlockOfAFile() throws Exception {
        Path f = tmp.resolve("disk.raw");
        long size = (7L << 20) + 4321;
        Random r = new Random(11);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(size);
            for (long at : new long[] {0, (3L << 20) + 5, 6L << 20}) {
                byte[] b = new byte[(int) Math.min(1 << 20, size - at)];
                r.nextBytes(b);
                raf.seek(at);
                raf.write(b);
            }
        }
        String script = "import sys, zlib\nf = open(sys.argv[1], 'rb')\nwhile True:\n    b = f.read(2097152)\n"
                + "    if not b: break\n    print(zlib.crc32(b))\n";
        Process p = new ProcessBuilder("python3", "-c", script, f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "python3 is needed: " + out);
        String[] zlib = out.split("\n");
        BlockChecks got;
        try (RawFileDisk d = RawFileDisk.open(f)) {
            got = BlockChecker.of(d, DiskCopy.standard());
        }
        assertEquals(4, zlib.length);
        int k = 0;
        for (int i = 0; i < zlib.length; i++) {
            long low;
            if (k < got.nonZeroBlocks() && got.indices()[k] == i) {
                low = got.checks()[k++] & 0xFFFFFFFFL;
            } else {
                low = BlockChecker.zeroCheck(Math.min(BLOCK, size - (long) i * BLOCK)) & 0xFFFFFFFFL;
            }
            assertEquals(Long.parseLong(zlib[i]), low, "block " + i);
        }
    }

    private static BlockChecks checksOf(byte[] disk) {
        BlockChecker c = new BlockChecker(disk.length);
        for (int pos = 0; pos < disk.length; pos += 1 << 20) {
            int n = Math.min(1 << 20, disk.length - pos);
            c.data(pos, ByteBuffer.wrap(disk, pos, n).slice());
        }
        return c.finish();
    }
}
