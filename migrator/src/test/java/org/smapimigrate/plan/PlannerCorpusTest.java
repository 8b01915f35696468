package org.smapimigrate.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.SrInventory;

/**
 * The planner on the corpus file SR as its manifest describes it. Expected figures are worked out
 * by hand from the manifest's allocated bytes (2 MiB blocks), never taken from the planner.
 */
class PlannerCorpusTest {
    static final long MIB = 1 << 20;
    // Manifest uuids (file_sr).
    static final String VM_DISK = "331a22ef-50c1-48c8-8b69-8cdde37cb59e";
    static final String SNAP1 = "8a431395-e3ff-4199-a7ec-26f34a39c2e1";
    static final String SNAP2 = "00052e7c-56bc-4736-a125-57ecb97d31c4";
    static final String BASE1 = "b3ad6704-fbc4-4cbf-aee8-256558fb57c3";
    static final String BASE2 = "f7e6e53a-0409-4ff6-af20-91f60230cccd";
    static final String DEEP_LEAF = "08b6dcc8-7e65-4fbf-b7e6-d95ae7e1b529";
    static final String CLONE_BASE = "a328e562-97ba-4dac-a393-a48e65cbb69c";
    static final String ORIGINAL = "93c35dd3-c4f5-4f8e-a524-d154524687ae";
    static final String CLONE = "e497b363-d12e-4e43-8b86-6401cba52d0f";
    static final String HIDDEN_LEAF = "986ba80e-367f-402e-8a50-28b482f7564e";
    static final String RAW = "db391a5a-ed94-4fd3-b178-6fe9c35fb3a6";
    static final String UNHIDDEN_BASE = "ba3a5130-5573-4bb4-ba23-dbcb64710684";
    static final String MID_COALESCE = "23ce6fea-eb47-412b-87b4-f54c2ce15a94";

    static SrInventory inv;

    @BeforeAll
    static void load() throws IOException {
        inv = CorpusInventory.fileSr();
    }

    static Plan plan(TargetCapabilities caps, boolean flatten, Map<String, SnapshotInfo> snaps) {
        return Planner.plan(new PlanRequest(inv, snaps, VdiSelection.allUserVisible(), caps,
                new Throughput(100 * MIB, "given"), flatten));
    }

    static List<Step> stepsFor(Plan p, String owner) {
        return p.steps().stream().filter(s -> s.id().contains(owner)).toList();
    }

    @Test
    void everyUserVisibleVdiGetsOneVolumeAndNothingElseDoes() {
        Plan p = plan(TargetCapabilities.full("t"), false, Map.of());
        assertEquals(Strategy.PRESERVE, p.strategy());
        Set<String> owners = p.steps().stream().filter(s -> s.volume().equals(s.id()))
                .map(s -> s instanceof CreateVolume c ? c.owner() : s instanceof SnapshotVolume sn ? sn.owner()
                        : ((CloneVolume) s).owner())
                .collect(Collectors.toSet());
        // manifest: 6 user-visible VDIs and 1 raw VDI
        assertEquals(Set.of(VM_DISK, SNAP1, SNAP2, DEEP_LEAF, ORIGINAL, CLONE, RAW), owners);
        assertEquals(7, p.totals().vdisMigrated());
        assertEquals(7, p.totals().volumes());
        assertEquals(0, p.totals().carriers());
        assertEquals(NodeDisposition.SKIPPED, p.node(HIDDEN_LEAF).disposition());
        assertEquals(NodeDisposition.NOT_SELECTED, p.node(UNHIDDEN_BASE).disposition());
    }

    @Test
    void snapshottedTwiceIsOneCreateOneFlattenedRootAndOwnBlocksAbove() {
        Plan p = plan(TargetCapabilities.full("t"), false, Map.of());
        // b3ad (4 MiB) -> {8a43 (0), f7e6 (2 MiB) -> {0005 (0), 331a (2 MiB)}}: the data-holding
        // leaf 331a continues on the volume created for the tree.
        CreateVolume create = (CreateVolume) p.step("create:" + VM_DISK);
        assertEquals(32 * MIB, create.size());
        CopyExtents root = (CopyExtents) p.step("copy:" + BASE1 + "@" + VM_DISK);
        assertEquals(CopyScope.FLATTENED_CHAIN, root.scope());
        assertEquals(4 * MIB, root.bytes());
        assertFalse(root.upperBound());
        assertEquals(CopyScope.OWN_BLOCKS, ((CopyExtents) p.step("copy:" + BASE2 + "@" + VM_DISK)).scope());
        assertEquals(2 * MIB, p.step("copy:" + BASE2 + "@" + VM_DISK).bytes());
        assertEquals(2 * MIB, p.step("copy:" + VM_DISK + "@" + VM_DISK).bytes());
        // Without snapshot records the empty leaves are writable clones, taken before the next write.
        CloneVolume c1 = (CloneVolume) p.step("clone:" + SNAP1);
        CloneVolume c2 = (CloneVolume) p.step("clone:" + SNAP2);
        assertEquals(create.id(), c1.of());
        assertEquals(create.id(), c2.of());
        assertTrue(index(p, c1.id()) < index(p, "copy:" + BASE2 + "@" + VM_DISK));
        assertTrue(index(p, c2.id()) < index(p, "copy:" + VM_DISK + "@" + VM_DISK));
        assertTrue(index(p, "copy:" + BASE2 + "@" + VM_DISK) < index(p, c2.id()));
        assertNull(p.step("create:" + SNAP1));
        assertEquals(NodeDisposition.CARRIED, p.node(BASE1).disposition());
    }

    @Test
    void snapshotRecordsMakeReadOnlySnapshotsPointingAtTheVdiTheyAreOf() {
        Map<String, SnapshotInfo> snaps = Map.of(
                SNAP1, new SnapshotInfo(true, VM_DISK, "20260101T10:00:00Z"),
                SNAP2, new SnapshotInfo(true, VM_DISK, "20260201T10:00:00Z"));
        Plan p = plan(TargetCapabilities.full("t"), false, snaps);
        SnapshotVolume s1 = (SnapshotVolume) p.step("snapshot:" + SNAP1);
        assertNotNull(s1);
        assertEquals("create:" + VM_DISK, s1.of());
        SetMetadata m = (SetMetadata) p.step("meta:" + SNAP1);
        assertEquals("create:" + VM_DISK, m.snapshotOf());
        assertEquals("true", m.keys().get(VolumeKeys.IS_A_SNAPSHOT));
        assertEquals("20260101T10:00:00Z", m.keys().get(VolumeKeys.SNAPSHOT_TIME));
        assertEquals(VM_DISK, m.keys().get(VolumeKeys.SOURCE_SNAPSHOT_OF));
        assertEquals("user", m.keys().get(VolumeKeys.VDI_TYPE));
        assertEquals(SNAP1, m.keys().get(VolumeKeys.SOURCE_VDI));
        assertEquals(inv.uuid(), m.keys().get(VolumeKeys.SOURCE_SR));
        SetMetadata live = (SetMetadata) p.step("meta:" + VM_DISK);
        assertEquals("false", live.keys().get(VolumeKeys.IS_A_SNAPSHOT));
        assertNull(live.snapshotOf());
        // metadata comes after every verification
        int lastVerify = 0;
        int firstMeta = Integer.MAX_VALUE;
        for (int i = 0; i < p.steps().size(); i++) {
            if (p.steps().get(i) instanceof VerifyVolume) {
                lastVerify = i;
            } else if (p.steps().get(i) instanceof SetMetadata) {
                firstMeta = Math.min(firstMeta, i);
            }
        }
        assertTrue(lastVerify < firstMeta);
    }

    @Test
    void cloneBranchSharesTheBase() {
        Plan p = plan(TargetCapabilities.full("t"), false, Map.of());
        // a328 (2 MiB) -> {93c3 (2 MiB), e497 (2 MiB)}: one create, one clone, 3 x 2 MiB written.
        List<Step> tree = p.steps().stream().filter(s -> s instanceof CopyExtents c
                && (c.source().equals(CLONE_BASE) || c.source().equals(ORIGINAL) || c.source().equals(CLONE))).toList();
        assertEquals(3, tree.size());
        assertEquals(6 * MIB, tree.stream().mapToLong(Step::bytes).sum());
        long creates = p.steps().stream().filter(s -> s instanceof CreateVolume c
                && (c.owner().equals(ORIGINAL) || c.owner().equals(CLONE))).count();
        long clones = p.steps().stream().filter(s -> s instanceof CloneVolume c
                && (c.owner().equals(ORIGINAL) || c.owner().equals(CLONE))).count();
        assertEquals(1, creates);
        assertEquals(1, clones);
    }

    @Test
    void aPlainDeepChainIsOneFlattenedCopy() {
        Plan p = plan(TargetCapabilities.full("t"), false, Map.of());
        List<Step> steps = stepsFor(p, DEEP_LEAF).stream().filter(s -> s instanceof CopyExtents).toList();
        assertEquals(1, steps.size());
        CopyExtents c = (CopyExtents) steps.get(0);
        assertEquals(CopyScope.FLATTENED_CHAIN, c.scope());
        assertEquals(5, c.chain().size());
        assertEquals((4 + 2 + 4 + 2 + 4) * MIB, c.bytes()); // manifest: 08b6 4, 1269 2, aea6 4, 8b63 2, 5009 4
        assertTrue(c.upperBound());
        assertEquals(NodeDisposition.FOLDED, p.node("5009b35b-c224-4703-a439-fa20e3791025").disposition());
    }

    @Test
    void totalsCompareBothStrategies() {
        Plan p = plan(TargetCapabilities.full("t"), false, Map.of());
        // preserve: tree1 4+2+2, clone tree 2+2+2, deep chain 16, raw 8 = 38 MiB
        assertEquals(38 * MIB, p.totals().bytesToCopy());
        assertEquals(38 * MIB, p.totals().preserve().bytesToCopy());
        // flatten: 8a43 4, 0005 6, 331a 8, 93c3 4, e497 4, 08b6 16, raw 8 = 50 MiB
        assertEquals(50 * MIB, p.totals().flatten().bytesToCopy());
        assertTrue(p.totals().flatten().bytesUpperBound());
        assertEquals(7, p.totals().flatten().volumes());
        // without sharing every volume holds its chain: the flatten figure again
        assertEquals(50 * MIB, p.totals().preserve().targetSpaceWithoutSharing());
        assertEquals(38 * MIB, p.totals().preserve().targetSpaceSharing());
        // verification reads every volume's chain: 50 MiB on each side. The deep chain (16) and the
        // raw VDI (8) are single flattened copies that prove themselves: their volumes are read back
        // once; the other 26 MiB are read on both sides. (38 + 24 + 2 x 26) MiB at 100 MiB/s: 2 s.
        assertEquals(50 * MIB, p.totals().bytesToVerify());
        assertEquals((24 + 2 * 26) * MIB, VerifyReads.bytes(p.steps()));
        assertEquals(2, p.totals().estimatedSeconds());
        assertEquals(32 * MIB * 3 + 24 * MIB + 16 * MIB * 2 + 8 * MIB, p.totals().virtualBytes());
    }

    @Test
    void flattenGivesEveryVdiItsWholeChain() {
        Plan p = plan(TargetCapabilities.full("t"), true, Map.of());
        assertEquals(Strategy.FLATTEN, p.strategy());
        assertEquals(50 * MIB, p.totals().bytesToCopy());
        for (Step s : p.steps()) {
            if (s instanceof CopyExtents c) {
                assertEquals(CopyScope.FLATTENED_CHAIN, c.scope());
            }
            assertFalse(s instanceof SnapshotVolume || s instanceof CloneVolume || s instanceof ResizeVolume);
        }
        assertTrue(p.risks().stream().anyMatch(r -> r.code().equals("flatten-forced")));
    }

    @Test
    void aTargetWithoutSnapshotsOrClonesFlattensAndSaysWhatItCosts() {
        TargetCapabilities plain = new TargetCapabilities("plain", List.of("VDI_CREATE", "VDI_RESIZE"), null,
                null, null, null, false);
        Plan p = plan(plain, false, Map.of());
        assertEquals(Strategy.FLATTEN, p.strategy());
        assertFalse(p.totals().preserve().available());
        assertEquals(38 * MIB, p.totals().preserve().bytesToCopy());
        Risk r = p.risks().stream().filter(x -> x.code().equals("target-cannot-keep-trees")).findFirst().orElseThrow();
        assertEquals(Severity.WARNING, r.severity());
    }

    @Test
    void missingMethodExecutablesCountAsMissingFeatures() {
        // simple-file advertises nothing it cannot do, but a plugin may list a feature without the script
        TargetCapabilities t = new TargetCapabilities("no scripts", List.of("VDI_CREATE", "VDI_SNAPSHOT", "VDI_CLONE"),
                List.of("Volume.create", "Volume.set", "SR.stat"), null, null, null, false);
        assertEquals(Strategy.FLATTEN, plan(t, false, Map.of()).strategy());
    }

    @Test
    void risksCoverLeftoversHiddenLeavesAndTheVdiMidCoalesce() {
        Plan p = plan(TargetCapabilities.full("t"), false, Map.of());
        Set<String> codes = p.risks().stream().map(Risk::code).collect(Collectors.toSet());
        // every leftover in the manifest, by kind
        for (String kind : List.of("snapshot-temp", "old-leaf-coalesce", "journal-coalesce", "journal-leaf")) {
            assertTrue(codes.contains("leftover-" + kind), kind + " in " + codes);
        }
        assertTrue(codes.contains("interrupted-coalesce"));
        assertTrue(codes.contains("interrupted-leaf-coalesce"));
        assertTrue(p.risks().stream().anyMatch(r -> r.code().equals("vdi-mid-operation")
                && r.subject().equals(MID_COALESCE)));
        assertTrue(p.risks().stream().anyMatch(r -> r.code().equals("hidden-leaf-skipped")
                && r.subject().equals(HIDDEN_LEAF)));
        assertTrue(p.risks().stream().anyMatch(r -> r.code().equals("base-copy-unused")
                && r.subject().equals(UNHIDDEN_BASE)));
        assertTrue(codes.contains("snapshot-records-unknown"));
        assertTrue(codes.contains("target-space-unknown"));
        for (Risk r : p.risks()) {
            assertFalse(r.action() == null || r.action().isBlank(), r.code() + " says what to do");
        }
        // most severe first
        for (int i = 1; i < p.risks().size(); i++) {
            assertTrue(p.risks().get(i - 1).severity().ordinal() >= p.risks().get(i).severity().ordinal());
        }
    }

    @Test
    void notEnoughSpaceIsAnError() {
        TargetCapabilities small = new TargetCapabilities("small", TargetCapabilities.full("x").features(), null,
                30 * MIB, 100 * MIB, true, false);
        Plan p = plan(small, false, Map.of());
        assertEquals(38 * MIB, p.totals().targetSpaceNeeded());
        assertTrue(p.risks().stream().anyMatch(r -> r.code().equals("target-space-insufficient")
                && r.severity() == Severity.ERROR));
        TargetCapabilities roomy = new TargetCapabilities("roomy", small.features(), null, 1000 * MIB, 2000 * MIB,
                false, false);
        Plan q = plan(roomy, false, Map.of());
        assertEquals(50 * MIB, q.totals().targetSpaceNeeded());
        assertTrue(q.risks().stream().noneMatch(r -> r.code().startsWith("target-space")));
    }

    @Test
    void anUnreadableChainIsSkippedWithAnError() {
        SrInventory damaged = new SrInventory(inv.path(), inv.type(), inv.uuid(), null, inv.vdis().stream()
                .map(v -> v.uuid().equals(BASE2) || v.parent() != null && v.parent().equals(BASE2)
                        ? new org.smapimigrate.inventory.VdiEntry(v.uuid(), v.role(), v.hidden(), v.virtualSize(),
                        v.allocatedBytes(), v.parent(), v.depth(), v.path(), v.lv(), v.nameLabel(),
                        v.nameDescription(), false, v.format()) : v).toList(), inv.leftovers(), inv.problems());
        Plan p = Planner.plan(new PlanRequest(damaged, Map.of(), VdiSelection.allUserVisible(),
                TargetCapabilities.full("t"), Throughput.assumed(), false));
        assertEquals(NodeDisposition.SKIPPED, p.node(VM_DISK).disposition());
        assertEquals(NodeDisposition.SKIPPED, p.node(SNAP2).disposition());
        assertEquals(NodeDisposition.MIGRATED, p.node(SNAP1).disposition());
        assertEquals(5, p.totals().vdisMigrated());
        assertEquals(2, p.totals().vdisSkipped());
        assertTrue(p.risks().stream().anyMatch(r -> r.code().equals("unreadable-chain") && r.subject().equals(VM_DISK)
                && r.severity() == Severity.ERROR));
        // SNAP1 alone below BASE1: one flattened copy, no clone
        assertEquals(CopyScope.FLATTENED_CHAIN, ((CopyExtents) p.step("copy:" + SNAP1 + "@" + SNAP1)).scope());
    }

    @Test
    void selectionByUuid() {
        Plan p = Planner.plan(new PlanRequest(inv, Map.of(), VdiSelection.of(List.of(CLONE, HIDDEN_LEAF)),
                TargetCapabilities.full("t"), Throughput.assumed(), false));
        assertEquals(2, p.totals().vdisMigrated());
        assertEquals(NodeDisposition.NOT_SELECTED, p.node(ORIGINAL).disposition());
        assertEquals(NodeDisposition.MIGRATED, p.node(HIDDEN_LEAF).disposition());
        PlanInputException e = assertThrows(PlanInputException.class, () -> Planner.plan(new PlanRequest(inv,
                Map.of(), VdiSelection.of(List.of("no-such-vdi")), TargetCapabilities.full("t"),
                Throughput.assumed(), false)));
        assertTrue(e.getMessage().contains("no-such-vdi"), e.getMessage());
    }

    @Test
    void aSelectedBaseCopyIsFlattenedAlone() {
        Plan p = Planner.plan(new PlanRequest(inv, Map.of(), VdiSelection.of(List.of(BASE2, VM_DISK)),
                TargetCapabilities.full("t"), Throughput.assumed(), false));
        CopyExtents c = (CopyExtents) p.step("copy:" + BASE2 + "@" + BASE2);
        assertEquals(CopyScope.FLATTENED_CHAIN, c.scope());
        assertEquals(6 * MIB, c.bytes());
        assertTrue(p.risks().stream().anyMatch(r -> r.code().equals("not-user-visible")));
    }

    @Test
    void planJsonRoundTrips() throws IOException {
        Plan p = plan(TargetCapabilities.full("t"), false, Map.of(SNAP1, new SnapshotInfo(true, VM_DISK, null)));
        String json = PlanJson.toJson(p);
        assertTrue(json.contains("\"kind\" : \"create-volume\""), json.substring(0, 200));
        assertTrue(json.contains("\"bytes_to_copy\""));
        assertEquals(p, PlanJson.fromJson(json));
        IOException wrong = assertThrows(IOException.class, () -> PlanJson.fromJson(
                json.replace(Plan.FORMAT, "smapi-migrate-plan/99")));
        assertTrue(wrong.getMessage().contains("smapi-migrate-plan/99"));
    }

    private static int index(Plan p, String id) {
        for (int i = 0; i < p.steps().size(); i++) {
            if (p.steps().get(i).id().equals(id)) {
                return i;
            }
        }
        throw new AssertionError("no step " + id);
    }
}
