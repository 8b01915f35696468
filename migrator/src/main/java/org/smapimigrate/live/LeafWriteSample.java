package org.smapimigrate.live;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.filesr.FileSr;

/**
 * The write rate of running disks of a file SR, measured without touching them: the sectors the
 * active leaf holds itself (its VHD sector bitmaps, read-only), counted twice some seconds apart.
 * The growth is a lower bound of what the VM writes: a rewrite of a sector the leaf already holds
 * does not grow it (a freeze, which would start an empty leaf, is a write to the source, which
 * 'plan' never makes).
 */
public final class LeafWriteSample {
    private static final long WINDOW = 1L << 30;

    private LeafWriteSample() {
    }

    /**
     * Bytes per second each VDI's own sectors grew over {@code length} (0 when they did not), in
     * the order given.
     */
    public static Map<String, Long> measure(FileSr sr, List<String> vdis, Duration length)
            throws IOException, InterruptedException {
        Map<String, Long> before = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (String v : vdis) {
            before.put(v, ownBytes(sr, v));
        }
        Thread.sleep(length.toMillis());
        Map<String, Long> rates = new LinkedHashMap<>();
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (String v : vdis) {
            long grew = Math.max(0, ownBytes(sr, v) - before.get(v));
            rates.put(v, (long) Math.ceil(grew / seconds));
        }
        return rates;
    }

    /** Bytes the image holds itself, to the sector (its own allocated extents). */
    public static long ownBytes(FileSr sr, String vdi) throws IOException {
        long sum = 0;
        try (VirtualDisk own = sr.openOwnSectors(vdi)) {
            for (long at = 0; at < own.size(); at += WINDOW) {
                for (Extent e : own.extents(at, Math.min(WINDOW, own.size() - at))) {
                    if (e.kind() != ExtentKind.UNALLOCATED) {
                        sum += e.length();
                    }
                }
            }
        }
        return sum;
    }
}
