package org.smapimigrate.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.smapimigrate.inventory.VdiEntry;

/**
 * Lays out snapshot trees on a target that can snapshot or clone: each tree is written once.
 *
 * <p>The model. A target volume V holding image X's content can be handed on to X's children:
 * one child <em>continues</em> on V itself (as in XAPI, where the active leaf keeps the original
 * volume and a snapshot is a new volume taken from it); every other child gets a copy of V taken
 * <em>before</em> anything more is written into V ({@code Volume.snapshot} for an empty snapshot
 * leaf, which stays read-only; {@code Volume.clone} for anything that needs writing). Then each
 * child gets its own blocks written on top, after a resize when it is larger than X.
 *
 * <p>A child smaller than its parent cannot be represented (volumes only grow), and a child the
 * target cannot copy gets no copy: such a child starts afresh, with its chain flattened into a new
 * volume. A base copy whose content would serve only one child gets no volume at all; its data
 * reaches the target inside that child's flattened chain (one read of the chain's union instead of
 * one write per image). So a plain chain becomes one flattened copy, and only branching pays for
 * snapshots and clones.
 */
final class TreeWriter {
    private final SourceForest forest;
    private final Selection selection;
    private final TargetCapabilities caps;
    private final Map<String, SnapshotInfo> snapshots;
    private final StepList steps;
    private final Fates fates;
    private final Naming naming;

    /** Selected, readable leaves below (and including) each image. */
    private final Map<String, Integer> weight = new HashMap<>();
    /** Children that can take over content from this image's volume and need it. */
    private final Map<String, List<VdiEntry>> takers = new HashMap<>();
    /** The child that continues on this image's volume. */
    private final Map<String, VdiEntry> continuing = new HashMap<>();
    private final Set<String> wants = new HashSet<>();

    TreeWriter(SourceForest forest, Selection selection, TargetCapabilities caps,
               Map<String, SnapshotInfo> snapshots, StepList steps, Fates fates, Naming naming) {
        this.forest = forest;
        this.selection = selection;
        this.caps = caps;
        this.snapshots = snapshots;
        this.steps = steps;
        this.fates = fates;
        this.naming = naming;
    }

    /** Selected leaves are written as part of their tree; a selected base copy is flattened alone. */
    boolean isTreeLeaf(VdiEntry v) {
        return selection.isMigratable(v.uuid()) && forest.isLeaf(v);
    }

    /** Writes one tree and returns the volumes it made, in order. */
    List<StepList.Made> write(VdiEntry root) {
        analyse(root);
        List<StepList.Made> made = new ArrayList<>();
        record Task(VdiEntry node, String volume, String whyFresh) {
        }
        Deque<Task> todo = new ArrayDeque<>();
        todo.push(new Task(root, null, null));
        while (!todo.isEmpty()) {
            Task t = todo.pop();
            VdiEntry x = t.node();
            if (weight.getOrDefault(x.uuid(), 0) == 0) {
                continue;
            }
            String v = t.volume();
            if (v == null && t.whyFresh() != null) {
                fates.fallback(x, t.whyFresh());
            }
            if (v == null) {
                if (!isTreeLeaf(x) && consumers(x) < 2) {
                    fates.folded(x, t.whyFresh());
                    List<VdiEntry> kids = forest.children(x.uuid());
                    List<VdiEntry> taking = takers.getOrDefault(x.uuid(), List.of());
                    for (int i = kids.size() - 1; i >= 0; i--) {
                        VdiEntry d = kids.get(i);
                        todo.push(new Task(d, null, taking.contains(d) ? null : whyNotTaker(d, x)));
                    }
                    continue;
                }
                String owner = ownerFrom(x);
                v = steps.create(owner, VolumePurpose.VDI, naming.name(forest.get(owner)),
                        naming.description(forest.get(owner)), x.virtualSize());
                if (forest.chainAllocated(x.uuid()) > 0) {
                    steps.copy(v, x.uuid(), CopyScope.FLATTENED_CHAIN, forest.chain(x.uuid()), x.virtualSize(),
                            forest.chainAllocated(x.uuid()), upperBound(x));
                }
                fates.written(x, v, isTreeLeaf(x), (t.whyFresh() == null ? "" : t.whyFresh() + "; ")
                        + "its chain is flattened into the new volume " + v);
            } else {
                StringBuilder how = new StringBuilder(how(v));
                if (x.virtualSize() > steps.size(v)) {
                    steps.resize(v, x.uuid(), x.virtualSize());
                    how.append(", grown to ").append(x.virtualSize()).append(" bytes");
                }
                if (x.allocatedBytes() > 0) {
                    steps.copy(v, x.uuid(), CopyScope.OWN_BLOCKS, List.of(x.uuid()), x.virtualSize(),
                            x.allocatedBytes(), false);
                    how.append(", then its own blocks written on top");
                }
                fates.written(x, v, isTreeLeaf(x), how.toString());
            }
            if (isTreeLeaf(x)) {
                made.add(new StepList.Made(v, x.uuid(), VolumePurpose.VDI, x.uuid()));
                continue;
            }
            // Copies of v first: nothing more may be written into v until they exist.
            VdiEntry c0 = continuing.get(x.uuid());
            Map<String, String> handed = new HashMap<>();
            Map<String, String> whyFresh = new HashMap<>();
            String snapshotSource = null;
            for (VdiEntry d : takers.getOrDefault(x.uuid(), List.of())) {
                if (d != c0 && snapshotOk(d, x)) {
                    String s = steps.snapshot(v, d.uuid(), VolumePurpose.VDI);
                    handed.put(d.uuid(), s);
                    snapshotSource = snapshotSource == null ? s : snapshotSource;
                }
            }
            for (VdiEntry d : takers.getOrDefault(x.uuid(), List.of())) {
                if (d == c0 || handed.containsKey(d.uuid())) {
                    continue;
                }
                if (caps.canCopyWritable()) {
                    String from = v;
                    if (caps.cloneFromSnapshotOnly()) {
                        if (snapshotSource == null) {
                            snapshotSource = steps.snapshot(v, x.uuid(), VolumePurpose.CARRIER);
                            made.add(new StepList.Made(snapshotSource, x.uuid(), VolumePurpose.CARRIER, x.uuid()));
                            fates.carrier(x, snapshotSource);
                        }
                        from = snapshotSource;
                    }
                    handed.put(d.uuid(), steps.clone(from, ownerFrom(d)));
                } else {
                    whyFresh.put(d.uuid(), "the target cannot make a writable copy of its parent's volume ("
                            + (caps.canClone() ? "clones only from snapshots, and cannot snapshot" : "no VDI_CLONE")
                            + ")");
                }
            }
            if (c0 != null) {
                handed.put(c0.uuid(), v);
            }
            List<VdiEntry> kids = forest.children(x.uuid());
            for (int i = kids.size() - 1; i >= 0; i--) {
                VdiEntry d = kids.get(i);
                String why = whyFresh.getOrDefault(d.uuid(), handed.containsKey(d.uuid()) ? null : whyNotTaker(d, x));
                todo.push(new Task(d, handed.get(d.uuid()), why));
            }
        }
        return made;
    }

    private static String how(String v) {
        if (v.startsWith("snapshot:")) {
            return "a snapshot of its parent's volume, taken as " + v;
        }
        if (v.startsWith("clone:")) {
            return "a clone of its parent's volume, made as " + v;
        }
        return "continues on its parent's volume " + v;
    }

    /** A flattened read of more than one image holding data may find their blocks overlapping. */
    private boolean upperBound(VdiEntry x) {
        return forest.chainHolding(x.uuid()) > 1;
    }

    private String whyNotTaker(VdiEntry d, VdiEntry x) {
        if (weight.getOrDefault(d.uuid(), 0) == 0) {
            return null;
        }
        if (d.virtualSize() < x.virtualSize()) {
            return "smaller than its parent (" + d.virtualSize() + " < " + x.virtualSize()
                    + " bytes), so it cannot be a copy of the parent's volume";
        }
        if (d.virtualSize() > x.virtualSize() && !caps.canResize()) {
            return "larger than its parent and the target cannot resize (no VDI_RESIZE)";
        }
        return null;
    }

    /** Follows the continuing children down to the leaf a new volume ends up as. */
    private String ownerFrom(VdiEntry x) {
        VdiEntry n = x;
        while (!isTreeLeaf(n)) {
            n = continuing.get(n.uuid());
        }
        return n.uuid();
    }

    /** How many volumes would use a volume holding x's content. */
    private int consumers(VdiEntry x) {
        List<VdiEntry> t = takers.getOrDefault(x.uuid(), List.of());
        if (t.isEmpty()) {
            return 0;
        }
        VdiEntry c0 = continuing.get(x.uuid());
        int n = 1;
        for (VdiEntry d : t) {
            if (d != c0 && (snapshotOk(d, x) || caps.canCopyWritable())) {
                n++;
            }
        }
        return n;
    }

    private boolean attaches(VdiEntry d, VdiEntry x) {
        return d.virtualSize() == x.virtualSize() || (d.virtualSize() > x.virtualSize() && caps.canResize());
    }

    /** An empty snapshot leaf of the same size: a read-only target snapshot is exactly it. */
    private boolean snapshotOk(VdiEntry d, VdiEntry x) {
        SnapshotInfo info = snapshots.get(d.uuid());
        return caps.canSnapshot() && isTreeLeaf(d) && d.allocatedBytes() == 0
                && d.virtualSize() == x.virtualSize() && info != null && info.isASnapshot();
    }

    /** Post-order over the tree (iterative): weights, takers, the continuing child. */
    private void analyse(VdiEntry root) {
        List<VdiEntry> order = new ArrayList<>();
        Deque<VdiEntry> todo = new ArrayDeque<>();
        todo.push(root);
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            VdiEntry v = todo.pop();
            if (seen.add(v.uuid())) {
                order.add(v);
                forest.children(v.uuid()).forEach(todo::push);
            }
        }
        for (int i = order.size() - 1; i >= 0; i--) {
            VdiEntry x = order.get(i);
            int w = isTreeLeaf(x) ? 1 : 0;
            List<VdiEntry> t = new ArrayList<>();
            for (VdiEntry d : forest.children(x.uuid())) {
                w += weight.getOrDefault(d.uuid(), 0);
                if (wants.contains(d.uuid()) && attaches(d, x)) {
                    t.add(d);
                }
            }
            weight.put(x.uuid(), w);
            if (isTreeLeaf(x) || !t.isEmpty()) {
                wants.add(x.uuid());
            }
            if (!t.isEmpty()) {
                takers.put(x.uuid(), t);
                continuing.put(x.uuid(), t.stream().min(continuingFirst(x)).orElseThrow());
            }
        }
    }

    /**
     * Which child keeps the parent's volume: one that needs writing (an empty snapshot can be a
     * read-only snapshot instead), not a snapshot (XAPI's active leaf keeps the volume), one with
     * data of its own (the active leaf, not an empty clone), the biggest subtree, then by uuid.
     */
    private Comparator<VdiEntry> continuingFirst(VdiEntry x) {
        return Comparator.<VdiEntry, Boolean>comparing(d -> snapshotOk(d, x))
                .thenComparing(d -> {
                    SnapshotInfo s = snapshots.get(d.uuid());
                    return s != null && s.isASnapshot();
                })
                .thenComparing(d -> d.allocatedBytes() == 0)
                .thenComparing(d -> -weight.getOrDefault(d.uuid(), 0))
                .thenComparing(VdiEntry::uuid);
    }
}
