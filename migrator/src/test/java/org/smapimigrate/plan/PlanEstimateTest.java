package org.smapimigrate.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smapimigrate.inventory.SrInventory;

/**
 * The plan's time estimate (issue 10 item 3) for known allocated sizes (the corpus manifest's
 * figures) and a given rate and call cost: bytes copied, plus what the verify steps read (the
 * target once where one flattened copy proves the volume, the source again as well where not),
 * plus the plugin calls at the measured cost per call.
 */
class PlanEstimateTest {
    static final long MIB = 1 << 20;
    static SrInventory inv;

    @BeforeAll
    static void load() throws IOException {
        inv = CorpusInventory.fileSr();
    }

    static Plan plan(List<String> vdis, boolean flatten, double callSeconds) {
        return Planner.plan(new PlanRequest(inv, Map.of(), VdiSelection.of(vdis), TargetCapabilities.full("t"),
                new Throughput(MIB, "given").withCallCost(callSeconds), flatten));
    }

    @Test
    void aFlattenedVdiIsCopiedOnceAndReadBackOnce() {
        // The raw VDI: 8 MiB allocated (manifest). 1 MiB/s: 8 s to copy, 8 s to read the target back.
        Plan p = plan(List.of(PlannerCorpusTest.RAW), true, 0);
        assertEquals(8 * MIB, p.totals().bytesToCopy());
        assertEquals(8 * MIB, p.totals().bytesToVerify());
        assertEquals(16, p.totals().estimatedSeconds());
        assertEquals(16, p.totals().flatten().estimatedSeconds());
    }

    @Test
    void eachPluginCallCostsWhatTheProbeMeasured() {
        Plan p = plan(List.of(PlannerCorpusTest.RAW), true, 0.25);
        int calls = p.totals().pluginCalls();
        assertEquals(PluginCalls.of(p.steps()), calls);
        assertEquals(16 + (long) Math.ceil(calls * 0.25), p.totals().estimatedSeconds());
    }

    @Test
    void aVolumeNoSingleFlattenedCopyProvesIsReadOnBothSides() {
        // The deep chain kept as a tree is a flattened copy (it has no snapshots to keep): proven.
        // The VM disk with its two snapshots, kept as a tree: three volumes, each made by an
        // own-blocks copy (8a43 4, 0005 2, 331a 2 MiB) and verified against its chain (4, 6 and 8
        // MiB, manifest), by reading the source chain and the volume: 2 x 18 MiB.
        Plan p = plan(List.of(PlannerCorpusTest.VM_DISK, PlannerCorpusTest.SNAP1, PlannerCorpusTest.SNAP2), false, 0);
        assertEquals(Strategy.PRESERVE, p.strategy());
        assertEquals(8 * MIB, p.totals().bytesToCopy());
        assertEquals(18 * MIB, p.totals().bytesToVerify());
        assertEquals(8 + 2 * 18, p.totals().estimatedSeconds());
        // Flattened instead, each volume is proven by its own copy: (4 + 6 + 8) copied, 18 read back.
        assertEquals(18 + 18, p.totals().flatten().estimatedSeconds());
    }
}
