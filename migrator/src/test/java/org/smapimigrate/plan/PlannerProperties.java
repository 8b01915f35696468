package org.smapimigrate.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.smapimigrate.inventory.VdiEntry;

/**
 * Properties of the planner over random forests of chains, checked against {@link BlockModel}
 * (what each VDI must read as) and {@link ModelTarget} (what the target holds after the steps).
 */
class PlannerProperties {

    static TargetCapabilities randomCaps(Random r) {
        List<String> f = new ArrayList<>(List.of(TargetCapabilities.VDI_CREATE));
        List<String> methods = new ArrayList<>(List.of("Volume.create", "Volume.set", "Volume.destroy"));
        for (String[] pair : new String[][] {{"VDI_SNAPSHOT", "Volume.snapshot"}, {"VDI_CLONE", "Volume.clone"},
                {"VDI_RESIZE", "Volume.resize"}}) {
            if (r.nextInt(3) != 0) {
                f.add(pair[0]);
            }
            if (r.nextInt(5) != 0) {
                methods.add(pair[1].toLowerCase()); // lookup is case-insensitive
            }
        }
        return new TargetCapabilities("random", f, r.nextBoolean() ? null : methods,
                r.nextBoolean() ? null : (long) r.nextInt(1 << 30), null,
                r.nextInt(3) == 0 ? null : r.nextBoolean(), r.nextInt(3) == 0);
    }

    static VdiSelection randomSelection(Random r, BlockModel m) {
        if (r.nextInt(3) != 0) {
            return VdiSelection.allUserVisible();
        }
        List<String> some = new ArrayList<>();
        for (VdiEntry v : m.inventory.vdis()) {
            if (r.nextInt(3) == 0) {
                some.add(v.uuid());
            }
        }
        return VdiSelection.of(some);
    }

    record Case(BlockModel model, TargetCapabilities caps, PlanRequest request, Plan plan) {
    }

    static Case plan(long seed, int n) {
        Random r = new Random(seed ^ 0x5DEECE66DL);
        BlockModel m = BlockModel.random(seed, n);
        TargetCapabilities caps = randomCaps(r);
        PlanRequest req = new PlanRequest(m.inventory, m.snapshots, randomSelection(r, m), caps,
                new Throughput(1 + r.nextInt(1 << 30), "given"), r.nextInt(5) == 0);
        return new Case(m, caps, req, Planner.plan(req));
    }

    @Property(tries = 200)
    void theTargetEndsUpHoldingEverySelectedReadableVdiExactly(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int n) {
        Case c = plan(seed, n);
        ModelTarget target = new ModelTarget(c.model(), c.caps());
        target.run(c.plan());
        Map<String, String> volumeOf = new HashMap<>();
        for (Map.Entry<String, Map<String, String>> e : target.keys.entrySet()) {
            if ("vdi".equals(e.getValue().get(VolumeKeys.PURPOSE))) {
                String owner = e.getValue().get(VolumeKeys.SOURCE_VDI);
                assertTrue(volumeOf.put(owner, e.getKey()) == null, "two volumes for " + owner);
            }
        }
        Set<String> expected = new HashSet<>();
        Set<String> selected = new HashSet<>();
        for (VdiEntry v : c.model().inventory.vdis()) {
            boolean sel = c.request().selection().all() ? v.role() == org.smapimigrate.inventory.VdiRole.USER
                    || v.role() == org.smapimigrate.inventory.VdiRole.RAW : c.request().selection().uuids().contains(v.uuid());
            if (sel) {
                selected.add(v.uuid());
                if (readableChain(c.model(), v.uuid())) {
                    expected.add(v.uuid());
                }
            }
        }
        assertEquals(expected, volumeOf.keySet());
        for (String vdi : expected) {
            int[] vol = target.volumes.get(volumeOf.get(vdi));
            int blocks = c.model().images.get(vdi).blocks();
            assertEquals(blocks, vol.length, "volume size of " + vdi);
            assertArrayEquals(c.model().flattened(vdi), Arrays.copyOf(vol, blocks), "content of " + vdi);
            Map<String, String> keys = target.keys.get(volumeOf.get(vdi));
            SnapshotInfo info = c.model().snapshots.get(vdi);
            assertEquals(Boolean.toString(info != null && info.isASnapshot()), keys.get(VolumeKeys.IS_A_SNAPSHOT));
            if (info != null && info.isASnapshot() && info.snapshotOf() != null && expected.contains(info.snapshotOf())) {
                assertEquals("key-of-" + volumeOf.get(info.snapshotOf()), keys.get(VolumeKeys.SNAPSHOT_OF));
            }
        }
        assertEquals(expected.size(), c.plan().totals().vdisMigrated());
        assertEquals(selected.size() - expected.size(), c.plan().totals().vdisSkipped());
    }

    private static boolean readableChain(BlockModel m, String uuid) {
        Map<String, VdiEntry> byId = new HashMap<>();
        m.inventory.vdis().forEach(v -> byId.put(v.uuid(), v));
        return byId.get(uuid).readable();
    }

    @Property(tries = 150)
    void stepsNameOnlyEarlierStepsAndIdsAreUnique(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int n) {
        Plan p = plan(seed, n).plan();
        Set<String> done = new HashSet<>();
        for (Step s : p.steps()) {
            List<String> refs = new ArrayList<>(s.after());
            refs.add(s.volume().equals(s.id()) ? null : s.volume());
            if (s instanceof SnapshotVolume sn) {
                refs.add(sn.of());
            } else if (s instanceof CloneVolume cl) {
                refs.add(cl.of());
            } else if (s instanceof SetMetadata m) {
                refs.add(m.snapshotOf());
            }
            for (String ref : refs) {
                assertTrue(ref == null || done.contains(ref), s.id() + " names " + ref + " before it exists");
            }
            assertTrue(done.add(s.id()), "duplicate id " + s.id());
        }
    }

    @Property(tries = 150)
    void keepingTreesNeverCopiesMoreThanFlattening(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int n) {
        Plan p = plan(seed, n).plan();
        assertTrue(p.totals().preserve().bytesToCopy() <= p.totals().flatten().bytesToCopy());
        assertTrue(p.totals().bytesToCopy() <= p.totals().flatten().bytesToCopy());
        assertTrue(p.totals().preserve().targetSpaceSharing() <= p.totals().preserve().targetSpaceWithoutSharing());
    }

    @Property(tries = 150)
    void onAFullTargetWithoutShrinksEveryImageIsCopiedAtMostOnce(@ForAll long seed,
                                                                  @ForAll @IntRange(min = 1, max = 40) int n) {
        BlockModel m = BlockModel.random(seed, n, false);
        Plan p = Planner.plan(new PlanRequest(m.inventory, m.snapshots, VdiSelection.allUserVisible(),
                TargetCapabilities.full("full"), Throughput.assumed(), false));
        Map<String, Integer> covered = new HashMap<>();
        for (Step s : p.steps()) {
            if (s instanceof CopyExtents c) {
                for (String img : c.chain()) {
                    if (m.images.get(img).own().size() > 0) {
                        covered.merge(img, 1, Integer::sum);
                    }
                }
            }
        }
        covered.forEach((img, times) -> assertEquals(1, times, img + " copied " + times + " times"));
        long own = 0;
        for (Step s : p.steps()) {
            own += s instanceof CopyExtents ? s.bytes() : 0;
        }
        assertEquals(p.totals().preserve().bytesToCopy(), own);
    }

    @Property(tries = 100)
    void planJsonRoundTripsAndPlanningIsDeterministic(@ForAll long seed, @ForAll @IntRange(min = 1, max = 30) int n)
            throws IOException {
        Case c = plan(seed, n);
        assertEquals(c.plan(), PlanJson.fromJson(PlanJson.toJson(c.plan())));
        assertEquals(c.plan(), Planner.plan(c.request()));
    }

    @Property(tries = 100)
    void everyImageOfTheSrIsInThePlanOnce(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int n) {
        Case c = plan(seed, n);
        Set<String> seen = new HashSet<>();
        for (SourceNode node : c.plan().nodes()) {
            assertTrue(seen.add(node.uuid()));
            assertNotNull(node.disposition());
            assertNotNull(node.how());
        }
        assertEquals(c.model().images.keySet(), seen);
    }
}
