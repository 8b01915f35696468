package org.smapimigrate.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.smapimigrate.inventory.VdiEntry;

/**
 * The steps of one strategy for one target: volumes, copies, verification, then metadata. Made
 * once for the plan itself and again for the figures of the strategy not taken.
 */
final class Layout {
    final Strategy strategy;
    final StepList steps;
    final Fates fates = new Fates();
    final List<StepList.Made> made = new ArrayList<>();
    /** Source VDI uuid to the step id of its final volume. */
    final Map<String, String> volumeOf = new HashMap<>();

    private final SourceForest forest;
    private final Selection selection;
    private final TargetCapabilities caps;
    private final Map<String, SnapshotInfo> snapshots;
    private final Naming naming;
    private final String srUuid;
    private final String sourceSr;

    Layout(Strategy strategy, SourceForest forest, Selection selection, TargetCapabilities caps,
           Map<String, SnapshotInfo> snapshots) {
        this.strategy = strategy;
        this.forest = forest;
        this.selection = selection;
        this.caps = caps;
        this.snapshots = snapshots;
        this.srUuid = forest.inventory().uuid();
        this.naming = new Naming(srUuid);
        // The source SR key: its uuid, or its path when it has none (a bare directory of images).
        this.sourceSr = srUuid != null ? srUuid : forest.inventory().path();
        this.steps = new StepList(sourceSr, owner -> forest.get(owner).role().label());
        if (strategy == Strategy.PRESERVE) {
            preserve();
        } else {
            flatten();
        }
        for (StepList.Made m : made) {
            if (m.purpose() == VolumePurpose.VDI) {
                volumeOf.put(m.owner(), m.volume());
            }
        }
        for (StepList.Made m : made) {
            metadata(m);
        }
    }

    private void preserve() {
        TreeWriter writer = new TreeWriter(forest, selection, caps, snapshots, steps, fates, naming);
        for (VdiEntry root : forest.roots()) {
            List<StepList.Made> tree = writer.write(root);
            verify(tree);
            made.addAll(tree);
        }
        // A base copy named explicitly is not part of any tree's leaves: it gets a volume of its own.
        for (String uuid : selection.migratable) {
            VdiEntry v = forest.get(uuid);
            if (!writer.isTreeLeaf(v)) {
                flattenOne(v, "named explicitly: not a VDI XAPI shows, so it is flattened into a volume of its own");
            }
        }
    }

    private void flatten() {
        Deque<VdiEntry> todo = new ArrayDeque<>();
        for (int i = forest.roots().size() - 1; i >= 0; i--) {
            todo.push(forest.roots().get(i));
        }
        while (!todo.isEmpty()) {
            VdiEntry v = todo.pop();
            if (selection.isMigratable(v.uuid())) {
                flattenOne(v, "flattened");
            }
            List<VdiEntry> kids = forest.children(v.uuid());
            for (int i = kids.size() - 1; i >= 0; i--) {
                todo.push(kids.get(i));
            }
        }
    }

    private void flattenOne(VdiEntry v, String why) {
        String vol = steps.create(v.uuid(), VolumePurpose.VDI, naming.name(v), naming.description(v), v.virtualSize());
        long bytes = forest.chainAllocated(v.uuid());
        if (bytes > 0) {
            steps.copy(vol, v.uuid(), CopyScope.FLATTENED_CHAIN, forest.chain(v.uuid()), v.virtualSize(), bytes,
                    holdingImages(v) > 1);
        }
        StepList.Made m = new StepList.Made(vol, v.uuid(), VolumePurpose.VDI, v.uuid());
        verify(List.of(m));
        made.add(m);
        fates.set(v, NodeDisposition.MIGRATED, vol, why + ": its whole chain is written into the new volume " + vol);
    }

    private int holdingImages(VdiEntry v) {
        return forest.chainHolding(v.uuid());
    }

    private void verify(List<StepList.Made> volumes) {
        for (StepList.Made m : volumes) {
            VdiEntry src = forest.get(m.verifyAgainst());
            steps.verify(m.volume(), src.uuid(), src.virtualSize(), forest.chainAllocated(src.uuid()),
                    holdingImages(src) > 1);
        }
    }

    private void metadata(StepList.Made m) {
        VdiEntry owner = forest.get(m.owner());
        Map<String, String> keys = new TreeMap<>(VolumeKeys.identity(sourceSr, m.owner(), owner.role().label(),
                m.volume(), m.purpose()));
        keys.put(VolumeKeys.STATE, VolumeKeys.COMPLETE);
        keys.put(VolumeKeys.VDI_TYPE, "user");
        if (m.purpose() == VolumePurpose.CARRIER) {
            keys.put(VolumeKeys.IS_A_SNAPSHOT, "false");
            steps.metadata(m.volume(), m.owner(), naming.carrierName(), naming.carrierDescription(owner), keys, null);
            return;
        }
        SnapshotInfo info = snapshots.get(m.owner());
        boolean isSnapshot = info != null && info.isASnapshot();
        keys.put(VolumeKeys.IS_A_SNAPSHOT, Boolean.toString(isSnapshot));
        String snapshotOf = null;
        if (isSnapshot) {
            if (info.snapshotTime() != null) {
                keys.put(VolumeKeys.SNAPSHOT_TIME, info.snapshotTime());
            }
            if (info.snapshotOf() != null) {
                keys.put(VolumeKeys.SOURCE_SNAPSHOT_OF, info.snapshotOf());
                snapshotOf = volumeOf.get(info.snapshotOf());
            }
        }
        steps.metadata(m.volume(), m.owner(), naming.name(owner), naming.description(owner), keys, snapshotOf);
    }

    long bytesToCopy() {
        return steps.steps().stream().filter(s -> s instanceof CopyExtents).mapToLong(Step::bytes).sum();
    }

    boolean copyUpperBound() {
        return steps.steps().stream().anyMatch(s -> s instanceof CopyExtents c && c.upperBound());
    }

    long bytesToVerify() {
        return steps.steps().stream().filter(s -> s instanceof VerifyVolume).mapToLong(Step::bytes).sum();
    }

    /** Space if every volume held all its blocks itself: each volume's chain allocation. */
    long spaceWithoutSharing() {
        return made.stream().mapToLong(m -> forest.chainAllocated(m.verifyAgainst())).sum();
    }

    int carriers() {
        return (int) made.stream().filter(m -> m.purpose() == VolumePurpose.CARRIER).count();
    }
}
