package org.smapimigrate.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs a plan against an in-memory SMAPIv3 target at block granularity, checking each step's
 * preconditions as a careful plugin would (no writes into read-only snapshots, no shrinking,
 * writes within the volume), and records what every volume holds.
 */
final class ModelTarget {
    final Map<String, int[]> volumes = new HashMap<>();
    final Map<String, Boolean> readOnly = new HashMap<>();
    final Map<String, Map<String, String>> keys = new HashMap<>();
    final Map<String, String> names = new HashMap<>();
    private final BlockModel source;
    private final TargetCapabilities caps;

    ModelTarget(BlockModel source, TargetCapabilities caps) {
        this.source = source;
        this.caps = caps;
    }

    void run(Plan plan) {
        for (Step s : plan.steps()) {
            if (s instanceof CreateVolume c) {
                assertTrue(caps.canCreate(), "create on a target without VDI_CREATE");
                assertNull(volumes.get(c.id()), "volume made twice: " + c.id());
                assertEquals(0, c.size() % BlockModel.BLOCK);
                volumes.put(c.id(), new int[(int) (c.size() / BlockModel.BLOCK)]);
                readOnly.put(c.id(), false);
                keys.put(c.id(), new HashMap<>(c.keys()));
            } else if (s instanceof CopyExtents c) {
                int[] vol = writable(c.volume());
                BlockModel.Image img = source.images.get(c.source());
                assertTrue(vol.length >= img.blocks(), "copy of " + c.source() + " into a smaller volume");
                if (c.scope() == CopyScope.FLATTENED_CHAIN) {
                    assertTrue(Arrays.stream(vol).allMatch(x -> x == 0), "flattened copy into a used volume " + c.id());
                    int[] flat = source.flattened(c.source());
                    System.arraycopy(flat, 0, vol, 0, flat.length);
                } else {
                    assertEquals(java.util.List.of(c.source()), c.chain());
                    img.own().forEach((b, v) -> vol[b] = v);
                    assertEquals(img.own().size() * BlockModel.BLOCK, c.bytes());
                }
            } else if (s instanceof ResizeVolume r) {
                assertTrue(caps.canResize(), "resize on a target without VDI_RESIZE");
                int[] vol = writable(r.volume());
                assertTrue(r.toSize() > r.fromSize(), "resize must grow");
                assertEquals(vol.length * BlockModel.BLOCK, r.fromSize());
                volumes.put(r.volume(), Arrays.copyOf(vol, (int) (r.toSize() / BlockModel.BLOCK)));
            } else if (s instanceof SnapshotVolume sn) {
                assertTrue(caps.canSnapshot(), "snapshot on a target without VDI_SNAPSHOT");
                volumes.put(sn.id(), volumes.get(sn.of()).clone());
                readOnly.put(sn.id(), true);
                keys.put(sn.id(), new HashMap<>(sn.keys()));
            } else if (s instanceof CloneVolume cl) {
                assertTrue(caps.canClone(), "clone on a target without VDI_CLONE");
                if (caps.cloneFromSnapshotOnly()) {
                    assertTrue(readOnly.get(cl.of()), "this target clones only snapshots: " + cl.id());
                }
                volumes.put(cl.id(), volumes.get(cl.of()).clone());
                readOnly.put(cl.id(), false);
                keys.put(cl.id(), new HashMap<>(cl.keys()));
            } else if (s instanceof VerifyVolume v) {
                int[] vol = volumes.get(v.volume());
                assertNotNull(vol);
                assertArrayEquals(source.flattened(v.source()), Arrays.copyOf(vol, source.images.get(v.source()).blocks()),
                        "verify " + v.id());
            } else if (s instanceof SetMetadata m) {
                assertNotNull(volumes.get(m.volume()));
                keys.get(m.volume()).putAll(m.keys());
                if (m.snapshotOf() != null) {
                    keys.get(m.volume()).put(VolumeKeys.SNAPSHOT_OF, "key-of-" + m.snapshotOf());
                }
                names.put(m.volume(), m.name());
            }
        }
    }

    private int[] writable(String volume) {
        int[] vol = volumes.get(volume);
        assertNotNull(vol, "no volume " + volume);
        assertFalse(readOnly.get(volume), "write into read-only volume " + volume);
        return vol;
    }
}
