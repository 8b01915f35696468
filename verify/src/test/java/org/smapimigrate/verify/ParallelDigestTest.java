package org.smapimigrate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.RawFileDisk;

/**
 * The digest hashed over the cores: the same tree as {@link DigestModel} computes naively in one
 * thread, whatever the pieces, and the same as sha256sum's tools make of the file's 2 MiB chunks.
 */
class ParallelDigestTest {
    @TempDir
    Path tmp;

    /**
     * Pieces handed over with a release, from a pool of three buffers reused only once released,
     * as the copy does; a released buffer is overwritten with garbage at once, so a worker still
     * reading it after its release would change the digest.
     */
    @Property(tries = 30)
    void asyncPiecesFromAPoolGiveTheModelDigest(@ForAll @IntRange(min = 0, max = 9 << 20) int size,
                                                @ForAll @IntRange(min = 16 << 10, max = 3 << 20) int maxPiece,
                                                @ForAll long seed) throws Exception {
        Random r = new Random(seed);
        byte[] disk = new byte[size];
        for (int pos = 0; pos < size; ) {
            int end = Math.min(size, pos + 1 + r.nextInt(3 << 20));
            if (r.nextInt(3) > 0) {
                for (int i = pos; i < end; i++) {
                    disk[i] = (byte) r.nextInt();
                }
            }
            pos = end;
        }
        byte[] garbage = new byte[3 << 20];
        java.util.Arrays.fill(garbage, (byte) 0x5A);
        BlockingQueue<ByteBuffer> pool = new ArrayBlockingQueue<>(3);
        for (int i = 0; i < 3; i++) {
            pool.add(ByteBuffer.allocateDirect(3 << 20));
        }
        AtomicInteger released = new AtomicInteger();
        int handed = 0;
        BlockDigester d = new BlockDigester(size);
        for (int pos = 0; pos < size; ) {
            int n = Math.min(size - pos, 1 + r.nextInt(maxPiece));
            boolean zero = true;
            for (int i = pos; i < pos + n && zero; i++) {
                zero = disk[i] == 0;
            }
            if (zero && r.nextBoolean()) {
                d.zeros(pos, n);
            } else {
                ByteBuffer buf = pool.poll(30, TimeUnit.SECONDS);
                if (buf == null) {
                    fail("a buffer was never released");
                }
                buf.clear();
                buf.put(disk, pos, n).flip();
                handed++;
                d.data(pos, buf, () -> {
                    buf.duplicate().clear().put(garbage, 0, n);
                    released.incrementAndGet();
                    pool.add(buf);
                });
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
        assertEquals(handed, released.get(), "every piece released once");
    }

    /**
     * A third party's view of the tree: split(1) cuts the file into 2 MiB chunks, openssl hashes
     * each one, sha256sum hashes the concatenated digests. A short last chunk and whole zero
     * chunks included.
     */
    @Test
    void wholeDigestIsSha256sumOfTheOpensslDigestsOfTwoMebibyteChunks() throws Exception {
        Path f = tmp.resolve("disk.raw");
        long size = (13L << 20) + 12345;
        Random r = new Random(5);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(size);
            for (long at : new long[] {0, 3L << 20, (5L << 20) + 7, 12L << 20}) {
                byte[] b = new byte[(int) Math.min(1 << 20, size - at) + 333];
                r.nextBytes(b);
                raf.seek(at);
                raf.write(b, 0, (int) Math.min(b.length, size - at));
            }
        }
        String script = "set -e; cd '" + tmp + "'; split -b 2097152 -d -a 4 disk.raw part.;"
                + " for p in part.*; do openssl dgst -sha256 -binary \"$p\"; done | sha256sum | cut -c1-64";
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0,
                "split, openssl and sha256sum are needed (coreutils, openssl): " + out);
        try (RawFileDisk disk = RawFileDisk.open(f)) {
            assertEquals(out, new DiskHasher().digest(disk).whole());
        }
        assertEquals(7, Files.list(tmp).filter(x -> x.getFileName().toString().startsWith("part.")).count());
    }
}
