package org.smapimigrate.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every volume a plan makes is marked incomplete from the start and complete only by its last step. */
class VolumeKeysTest {

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
