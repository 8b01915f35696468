package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.vhd.VhdWriter;

/**
 * Memory stays bounded whatever the virtual size: a 2 TiB chain (dynamic base and a differencing
 * child) exports in a separate JVM limited to a 256 MiB heap, and the output is sparse and right
 * where data was written.
 */
class HugeChainExportTest {
    private static final long TIB = 1L << 40;

    @Test
    void twoTebibyteChainExportsInA256MiBHeap(@TempDir Path dir) throws Exception {
        long size = 2 * TIB - (2 << 20) * 4; // SM's largest VHD is a little under 2 TiB
        Path base = dir.resolve("base.vhd");
        Path leaf = dir.resolve("leaf.vhd");
        Random r = new Random(11);
        Map<Long, byte[]> expected = new TreeMap<>();
        try (VhdWriter w = VhdWriter.dynamic(base, size).create()) {
            for (long at : new long[] {0, size / 2, size - 4096}) {
                byte[] b = new byte[4096];
                r.nextBytes(b);
                w.write(at, b);
                expected.put(at, b);
            }
            w.setHidden(true);
        }
        try (VhdWriter w = VhdWriter.differencing(leaf, base).create()) {
            byte[] b = new byte[512];
            r.nextBytes(b);
            w.write(size / 2 + 512, b); // one sector inside the base's data
            byte[] merged = expected.get(size / 2).clone();
            System.arraycopy(b, 0, merged, 512, 512);
            expected.put(size / 2, merged);
        }
        Path out = dir.resolve("out.raw");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                SmapiMigrate.class.getName(), "export", "-q", leaf.toString(), "-o", out.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "export did not finish");
        assertEquals(0, p.exitValue(), output);

        assertEquals(size, Files.size(out));
        assertTrue(DiskCopyAllocation.allocatedBytes(out) < 64L << 20, "output is not sparse");
        try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "r")) {
            for (Map.Entry<Long, byte[]> e : expected.entrySet()) {
                byte[] got = new byte[e.getValue().length];
                f.seek(e.getKey());
                f.readFully(got);
                assertArrayEquals(e.getValue(), got, "bytes at " + e.getKey());
            }
            byte[] hole = new byte[4096];
            f.seek(TIB / 3);
            f.readFully(hole);
            assertArrayEquals(new byte[4096], hole);
        }
    }

    /** st_blocks through stat(1): Java has no view of it. */
    static final class DiskCopyAllocation {
        static long allocatedBytes(Path file) throws Exception {
            Process p = new ProcessBuilder(List.of("stat", "--format=%b %B", file.toString())).start();
            String[] f = new String(p.getInputStream().readAllBytes()).trim().split(" ");
            p.waitFor();
            return Long.parseLong(f[0]) * Long.parseLong(f[1]);
        }
    }
}
