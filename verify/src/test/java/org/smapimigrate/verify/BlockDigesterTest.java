package org.smapimigrate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BlockDigesterTest {

    /** Random disks with zero stretches, fed in random pieces: data or zero runs where the bytes are zero. */
    @Property(tries = 60)
    void digestMatchesTheModelWhateverTheChunking(@ForAll @IntRange(min = 0, max = 9 << 20) int size,
                                                  @ForAll long seed) throws Exception {
        Random r = new Random(seed);
        byte[] disk = new byte[size];
        for (int pos = 0; pos < size; ) {
            int run = 1 + r.nextInt(3 << 20);
            int end = Math.min(size, pos + run);
            if (r.nextBoolean()) {
                for (int i = pos; i < end; i++) {
                    disk[i] = (byte) r.nextInt();
                }
            }
            pos = end;
        }
        BlockDigester d = new BlockDigester(size);
        for (int pos = 0; pos < size; ) {
            // Small chunks, large ones, and runs of whole blocks (hashed two threads at a time).
            int pick = r.nextInt(3);
            int want = pick == 0 ? 1 + r.nextInt(4096) : pick == 1 ? 1 + r.nextInt(5 << 20) : (2 << 20) * (1 + r.nextInt(4));
            int n = Math.min(size - pos, want);
            boolean zero = true;
            for (int i = pos; i < pos + n && zero; i++) {
                zero = disk[i] == 0;
            }
            if (zero && r.nextBoolean()) {
                d.zeros(pos, n);
            } else {
                ByteBuffer buf = ByteBuffer.allocateDirect(n + 8);
                buf.position(3);
                buf.put(disk, pos, n);
                buf.flip().position(3); // a buffer whose position is not 0
                d.data(pos, buf);
                assertEquals(3, buf.position(), "the observer must not move the caller's buffer");
            }
            pos += n;
        }
        DiskDigest got = d.finish();
        DigestModel model = new DigestModel(disk);
        assertEquals(model.whole, got.whole());
        List<Long> listed = new ArrayList<>();
        for (int i = 0; i < got.nonZeroBlocks(); i++) {
            listed.add(got.nonZeroIndex(i));
        }
        assertEquals(model.nonZeroBlocks, listed);
    }

    @Test
    void zeroBlockDigestIsSha256OfTwoMebibytesOfZerosPerSha256sum() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "head -c 2097152 /dev/zero | sha256sum").start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), "sha256sum (Debian package coreutils) must be installed");
        assertEquals(out.substring(0, 64), HexFormat.of().formatHex(ZeroDigests.fullBlock()));
    }

    @Test
    void twoTebibytesOfHolesCostNoHashingOfZeros() throws Exception {
        long size = 2L << 40;
        BlockDigester d = new BlockDigester(size);
        d.zeros(0, size / 2);
        byte[] data = "not zero".getBytes();
        d.data(size / 2, ByteBuffer.wrap(data));
        d.zeros(size / 2 + data.length, size / 2 - data.length);
        DiskDigest got = d.finish();
        assertEquals(1, got.nonZeroBlocks());
        assertEquals(size / 2 / DiskDigest.BLOCK_SIZE, got.nonZeroIndex(0));

        // Model: the concatenation of one million block digests, all but one of zeros.
        MessageDigest w = MessageDigest.getInstance("SHA-256");
        byte[] zero = MessageDigest.getInstance("SHA-256").digest(new byte[DiskDigest.BLOCK_SIZE]);
        byte[] block = new byte[DiskDigest.BLOCK_SIZE];
        System.arraycopy(data, 0, block, 0, data.length);
        byte[] dataDigest = MessageDigest.getInstance("SHA-256").digest(block);
        for (long i = 0; i < size / DiskDigest.BLOCK_SIZE; i++) {
            w.update(i == got.nonZeroIndex(0) ? dataDigest : zero);
        }
        assertEquals(HexFormat.of().formatHex(w.digest()), got.whole());
    }

    @Test
    void outOfOrderOrOverlongChunksAreRefused() throws Exception {
        BlockDigester d = new BlockDigester(4096);
        d.zeros(0, 512);
        assertThrows(IllegalStateException.class, () -> d.zeros(1024, 512));
        assertThrows(IllegalStateException.class, () -> d.data(512, ByteBuffer.allocate(4096)));
        assertThrows(IllegalStateException.class, d::finish);
    }

    @Test
    void comparisonNamesTheBlockThatDiffers() throws Exception {
        int size = 7 << 20;
        byte[] a = new byte[size];
        new Random(1).nextBytes(a);
        byte[] b = a.clone();
        b[(5 << 20) + 17] ^= 1;
        DiskDigest da = digestOf(a);
        DiskDigest db = digestOf(b);
        assertTrue(da.compare(digestOf(a.clone())).matches());
        DigestComparison c = da.compare(db);
        assertFalse(c.matches());
        assertEquals(1, c.mismatchedBlocks());
        assertEquals(List.of(2L), c.firstMismatches());
        assertTrue(c.describe().contains("4194304"), c.describe());

        byte[] zeroed = a.clone();
        java.util.Arrays.fill(zeroed, 0, 2 << 20, (byte) 0); // block 0 becomes a hole on one side only
        DigestComparison z = da.compare(digestOf(zeroed));
        assertEquals(List.of(0L), z.firstMismatches());

        DigestComparison sizes = da.compare(digestOf(java.util.Arrays.copyOf(a, size + 512)));
        assertFalse(sizes.matches());
        assertTrue(sizes.describe().contains("size"), sizes.describe());
    }

    static DiskDigest digestOf(byte[] disk) throws Exception {
        BlockDigester d = new BlockDigester(disk.length);
        d.data(0, ByteBuffer.wrap(disk));
        return d.finish();
    }
}
