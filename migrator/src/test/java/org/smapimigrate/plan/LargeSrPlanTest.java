package org.smapimigrate.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;

/** Planning 10,000 synthetic VDIs: correctness only (the time is for 'bench', not a test). */
class LargeSrPlanTest {

    @Test
    void tenThousandVdisArePlannedCompletely() {
        SyntheticSr sr = SyntheticSr.generate(10_000, 7L);
        assertEquals(10_000, sr.inventory().vdis().size());
        Plan p = Planner.plan(new PlanRequest(sr.inventory(), sr.snapshots(), VdiSelection.allUserVisible(),
                TargetCapabilities.full("t"), Throughput.assumed(), false));

        Set<String> userVisible = new HashSet<>();
        for (VdiEntry v : sr.inventory().vdis()) {
            if (v.role() == VdiRole.USER || v.role() == VdiRole.RAW) {
                userVisible.add(v.uuid());
            }
        }
        Map<String, String> volumeOf = new HashMap<>();
        Set<String> done = new HashSet<>();
        int snapshotSteps = 0;
        for (Step s : p.steps()) {
            for (String ref : s.after()) {
                assertTrue(done.contains(ref), s.id() + " after " + ref);
            }
            assertTrue(done.add(s.id()), s.id());
            String owner = s instanceof CreateVolume c ? c.owner() : s instanceof SnapshotVolume sn ? sn.owner()
                    : s instanceof CloneVolume cl ? cl.owner() : null;
            if (owner != null) {
                assertTrue(volumeOf.put(owner, s.id()) == null, "two volumes for " + owner);
            }
            if (s instanceof SnapshotVolume sn) {
                snapshotSteps++;
                assertTrue(sr.snapshots().get(sn.owner()).isASnapshot());
            }
        }
        assertEquals(userVisible, volumeOf.keySet());
        assertEquals(userVisible.size(), p.totals().vdisMigrated());
        // every empty snapshot leaf of the synthetic histories is a target snapshot, no copy of data
        long emptySnapshotLeaves = sr.snapshots().values().stream().filter(SnapshotInfo::isASnapshot).count();
        assertEquals(emptySnapshotLeaves, snapshotSteps);
        assertTrue(p.totals().bytesToCopy() < p.totals().flatten().bytesToCopy());
        assertEquals(sr.inventory().vdis().size(), p.nodes().size());
    }
}
