package org.smapimigrate.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --bandwidth} through the real engine, kept short for the suite: the source reads of a
 * 128 MiB copy at 64 MiB/s span 2 s within 10%. The figure (1 GiB at 50 MiB/s, 20.48 s) is {@link BandwidthCheck},
 * run by hand.
 */
class BandwidthLimitTest {
    @TempDir
    Path tmp;

    @Test
    void aCopyAt64MiBPerSecondOf128MiBTakesTwoSecondsWithinTenPercent() throws Exception {
        BandwidthRun.Timing t = BandwidthRun.copy(tmp, 128L << 20, 64L << 20);
        assertEquals(128L << 20, t.bytesRead(), "every byte read once, through the limit");
        assertTrue(t.readSeconds() >= 1.8 && t.readSeconds() <= 2.2,
                "the source reads took " + t.readSeconds() + " s, not 2 s within 10%");
        assertTrue(t.stepSeconds() >= t.readSeconds(), "the step holds its reads");
    }
}
