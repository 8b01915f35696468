package org.smapimigrate.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smapimigrate.migrate.MigrationKeys;

/** A planned migration and a single-VDI one must recognise each other's volumes. */
class VolumeKeysTest {

    @Test
    void ourKeysAreTheMigrationKeys() {
        assertEquals(MigrationKeys.SOURCE_SR, VolumeKeys.SOURCE_SR);
        assertEquals(MigrationKeys.SOURCE_VDI, VolumeKeys.SOURCE_VDI);
        assertEquals(MigrationKeys.SOURCE_ROLE, VolumeKeys.SOURCE_ROLE);
        assertEquals(MigrationKeys.STATE, VolumeKeys.STATE);
        assertEquals(MigrationKeys.INCOMPLETE, VolumeKeys.INCOMPLETE);
        assertEquals(MigrationKeys.COMPLETE, VolumeKeys.COMPLETE);
        assertEquals(MigrationKeys.DIGEST, VolumeKeys.DIGEST);
        assertEquals(MigrationKeys.VDI_TYPE, VolumeKeys.VDI_TYPE);
    }

    @Test
    void volumesStartIncompleteAndEndComplete() throws Exception {
        Plan p = Planner.plan(new PlanRequest(CorpusInventory.fileSr(), Map.of(), VdiSelection.allUserVisible(),
                TargetCapabilities.full("t"), Throughput.assumed(), false));
        for (Step s : p.steps()) {
            Map<String, String> keys = s instanceof CreateVolume c ? c.keys() : s instanceof CloneVolume c ? c.keys()
                    : s instanceof SnapshotVolume c ? c.keys() : null;
            if (keys != null) {
                assertEquals(VolumeKeys.INCOMPLETE, keys.get(VolumeKeys.STATE), s.id());
                assertEquals(s.id(), keys.get(VolumeKeys.MADE_BY_STEP));
            }
            if (s instanceof SetMetadata m) {
                assertEquals(VolumeKeys.COMPLETE, m.keys().get(VolumeKeys.STATE), s.id());
                assertEquals(m.volume(), m.keys().get(VolumeKeys.MADE_BY_STEP));
            }
        }
    }
}
