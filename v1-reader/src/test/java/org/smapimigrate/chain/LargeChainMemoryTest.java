package org.smapimigrate.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.vhd.VhdWriter;

/**
 * A 2 TiB chain (2 TiB, 1 TiB and 2040 GiB layers, the LVHD-sized BAT) is walked and read whole in
 * a JVM limited to 96 MiB of heap: memory must not grow with the virtual size.
 */
class LargeChainMemoryTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path tmp;

    @Test
    void twoTebibyteChainReadsInASmallHeap() throws Exception {
        long[][] writes = {
            // layer, offset, length: root (1 TiB), middle (2 TiB), leaf (2040 GiB)
            {0, 0, 2 << 20}, {0, 700 * GIB + 4096, 512 * 5}, {0, 1024 * GIB - 512, 512},
            {1, 512, 512 * 3}, {1, 1500 * GIB, 2 << 20}, {1, 2048 * GIB - (1 << 20), 1 << 20},
            {2, 1024, 512}, {2, 700 * GIB, 512 * 20}, {2, 2040 * GIB - 512, 512},
        };
        long[] sizes = {1024 * GIB, 2048 * GIB, 2040 * GIB};
        // Expected bytes per held sector, by sector number (layers overwrite in order).
        TreeMap<Long, byte[]> model = new TreeMap<>();
        Random rnd = new Random(5);
        Path parent = null;
        List<byte[]> data = new ArrayList<>();
        for (long[] w : writes) {
            byte[] d = new byte[(int) w[2]];
            rnd.nextBytes(d);
            data.add(d);
        }
        for (int layer = 0; layer < 3; layer++) {
            Path f = tmp.resolve("l" + layer + ".vhd");
            VhdWriter.Spec spec = parent == null ? VhdWriter.dynamic(f, sizes[layer])
                    : VhdWriter.differencing(f, parent).size(sizes[layer]);
            try (VhdWriter vw = spec.maxBatEntries(1 << 20).create()) {
                for (int i = 0; i < writes.length; i++) {
                    if (writes[i][0] == layer) {
                        vw.write(writes[i][1], data.get(i));
                    }
                }
            }
            // Sectors past this layer's size read as zeros through it (doc part C).
            model.tailMap(sizes[layer] / 512, true).clear();
            for (int i = 0; i < writes.length; i++) {
                if (writes[i][0] == layer) {
                    for (int s = 0; s < writes[i][2] / 512; s++) {
                        byte[] sector = new byte[512];
                        System.arraycopy(data.get(i), s * 512, sector, 0, 512);
                        model.put(writes[i][1] / 512 + s, sector);
                    }
                }
            }
            parent = f;
        }
        model.tailMap(sizes[2] / 512, true).clear();

        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx96m", "-cp", System.getProperty("java.class.path"), LargeChainReader.class.getName(),
                parent.toString()));
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (long[] w : writes) {
            long off = w[1] - 4096 < 0 ? 0 : w[1] - 4096;
            long len = Math.min(w[2] + 8192, sizes[2] - off);
            cmd.add(off + ":" + len);
            for (long s = off / 512; s < (off + len) / 512; s++) {
                md.update(model.getOrDefault(s, new byte[512]));
            }
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "reader timed out");
        assertEquals(0, p.exitValue(), out);
        assertEquals("data=" + model.size() * 512L + " sha256=" + HexFormat.of().formatHex(md.digest())
                + " size=" + sizes[2], out);
    }
}
