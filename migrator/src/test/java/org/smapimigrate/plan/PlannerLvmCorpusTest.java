package org.smapimigrate.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The planner on the corpus LVHD SR with its MGT snapshot records: the snapshot "debian-root
 * (before upgrade)" of "debian-root", whose active leaf was resized 16 → 24 MiB after the snapshot.
 * Expectations from manifest-lvm.json.
 */
class PlannerLvmCorpusTest {
    static final long MIB = 1 << 20;
    static final String BASE = "12e9978e-9cc0-423b-9dc5-5ff20ac50018";
    static final String ROOT_DISK = "ca470caf-5828-44dd-8a1a-eb097a998ecc";
    static final String SNAPSHOT = "95e00d28-d8b1-41e0-b1b2-8f9265b160c4";

    @Test
    void theSnapshotIsATargetSnapshotAndTheResizedLeafGrowsAfterIt() throws IOException {
        LvmCorpusInventory lvm = new LvmCorpusInventory();
        Plan p = Planner.plan(new PlanRequest(lvm.inventory, lvm.snapshots, VdiSelection.allUserVisible(),
                TargetCapabilities.full("t"), Throughput.assumed(), false));
        CreateVolume create = (CreateVolume) p.step("create:" + ROOT_DISK);
        assertEquals(16 * MIB, create.size()); // the base copy's size
        assertEquals("debian-root", create.name());
        CopyExtents base = (CopyExtents) p.step("copy:" + BASE + "@" + ROOT_DISK);
        assertEquals(5 * 2 * MIB, base.bytes()); // 5 allocated blocks
        SnapshotVolume snap = (SnapshotVolume) p.step("snapshot:" + SNAPSHOT);
        assertEquals(create.id(), snap.of());
        ResizeVolume grow = (ResizeVolume) p.step("resize:" + ROOT_DISK + "@" + ROOT_DISK);
        assertEquals(16 * MIB, grow.fromSize());
        assertEquals(24 * MIB, grow.toSize());
        assertTrue(p.steps().indexOf(snap) < p.steps().indexOf(grow), "snapshot before the resize");
        assertEquals(4 * 2 * MIB, p.step("copy:" + ROOT_DISK + "@" + ROOT_DISK).bytes());
        SetMetadata meta = (SetMetadata) p.step("meta:" + SNAPSHOT);
        assertEquals("debian-root (before upgrade)", meta.name());
        assertEquals("20260312T08:30:00Z", meta.keys().get(VolumeKeys.SNAPSHOT_TIME));
        assertEquals("true", meta.keys().get(VolumeKeys.IS_A_SNAPSHOT));
        assertEquals(create.id(), meta.snapshotOf());
        assertTrue(p.risks().stream().anyMatch(r -> r.code().equals("leftover-journal-clone")));
        assertTrue(p.risks().stream().anyMatch(r -> r.code().equals("interrupted-snapshot")));
        assertTrue(p.risks().stream().noneMatch(r -> r.code().equals("snapshot-records-unknown")));
    }
}
