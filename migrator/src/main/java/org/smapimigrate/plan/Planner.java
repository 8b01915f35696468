package org.smapimigrate.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;

/**
 * Makes a {@link Plan}: a pure function of the inventory, the snapshot records, the selection,
 * the target's capabilities and a throughput. It reads nothing and writes nothing.
 */
public final class Planner {
    private Planner() {
    }

    public static Plan plan(PlanRequest req) {
        SrInventory inv = req.source();
        SourceForest forest = new SourceForest(inv);
        Selection selection = new Selection(forest, req.selection(), inv.uuid() == null ? inv.path() : inv.uuid());
        TargetCapabilities caps = req.target();

        Strategy strategy;
        String reason;
        if (req.forceFlatten()) {
            strategy = Strategy.FLATTEN;
            reason = "--flatten was given: every VDI gets a standalone volume with its whole chain";
        } else if (!caps.canKeepTrees()) {
            strategy = Strategy.FLATTEN;
            reason = "the target offers neither VDI_SNAPSHOT nor VDI_CLONE (with Volume.snapshot / Volume.clone), "
                    + "so snapshot trees cannot be kept: every VDI is flattened";
        } else {
            strategy = Strategy.PRESERVE;
            reason = "the target offers " + String.join(" and ", offered(caps))
                    + ": each snapshot tree is written once and its snapshots and clones are made on the target";
        }

        Layout chosen = new Layout(strategy, forest, selection, caps, req.snapshots());
        Layout ideal = strategy == Strategy.PRESERVE && caps.canCopyWritable() && caps.canSnapshot()
                && caps.canResize() && !caps.cloneFromSnapshotOnly()
                ? chosen
                : new Layout(Strategy.PRESERVE, forest, selection, TargetCapabilities.full("comparison"),
                        req.snapshots());
        Layout flat = strategy == Strategy.FLATTEN ? chosen
                : new Layout(Strategy.FLATTEN, forest, selection, caps, req.snapshots());

        Throughput tp = req.throughput();
        long copy = chosen.bytesToCopy();
        long verify = chosen.bytesToVerify();
        boolean sharing = Boolean.TRUE.equals(caps.sharesBlocks());
        long space;
        String basis;
        if (strategy == Strategy.FLATTEN) {
            space = chosen.spaceWithoutSharing();
            basis = "each volume holds its whole chain: sum of the allocated bytes of every migrated VDI's chain"
                    + (chosen.copyUpperBound() ? " (an upper bound: chained images can overlap)" : "");
        } else if (sharing) {
            space = copy;
            basis = "the target's snapshots and clones share blocks: every image's allocated bytes once";
        } else {
            space = chosen.spaceWithoutSharing();
            basis = (caps.sharesBlocks() == null ? "not known whether the target's snapshots share blocks, so "
                    : "the target's snapshots and clones copy their blocks, so ")
                    + "every volume is counted with its whole chain (an upper bound)";
        }
        int migrated = chosen.volumeOf.size();
        long virtual = chosen.volumeOf.keySet().stream().mapToLong(u -> forest.get(u).virtualSize()).sum();
        Totals totals = new Totals(inv.vdis().size(), selection.selected.size(), migrated,
                selection.selected.size() - migrated, chosen.made.size(), chosen.carriers(), virtual, copy,
                chosen.copyUpperBound(), verify, space, basis,
                tp.secondsFor(copy + VerifyReads.bytes(chosen.steps.steps()), PluginCalls.of(chosen.steps.steps(), caps.createAnswersAsStat())),
                figures(ideal, caps.canKeepTrees(), tp, caps), figures(flat, caps.canCreate(), tp, caps),
                PluginCalls.of(chosen.steps.steps(), caps.createAnswersAsStat()));

        List<SourceNode> nodes = nodes(forest, selection, chosen, req);
        List<Risk> risks = new RiskFinder(forest, selection, req, strategy, chosen, totals).risks();
        return new Plan(Plan.FORMAT, null, new PlanSource(inv.path(), inv.type(), inv.uuid(), inv.nameLabel(),
                List.of()), caps, null, tp, strategy, reason, totals, nodes, chosen.steps.steps(), risks);
    }

    private static List<String> offered(TargetCapabilities caps) {
        List<String> out = new ArrayList<>();
        if (caps.canSnapshot()) {
            out.add(TargetCapabilities.VDI_SNAPSHOT);
        }
        if (caps.canClone()) {
            out.add(TargetCapabilities.VDI_CLONE);
        }
        return out;
    }

    private static StrategyFigures figures(Layout l, boolean available, Throughput tp, TargetCapabilities caps) {
        long copy = l.bytesToCopy();
        long sharing = l.strategy == Strategy.PRESERVE ? copy : l.spaceWithoutSharing();
        return new StrategyFigures(available, copy, l.copyUpperBound(), sharing, l.spaceWithoutSharing(),
                l.made.size(), tp.secondsFor(copy + VerifyReads.bytes(l.steps.steps()), PluginCalls.of(l.steps.steps(), caps.createAnswersAsStat())));
    }

    /** Every image in tree order (roots by uuid, children by uuid), then any no root reaches. */
    private static List<SourceNode> nodes(SourceForest forest, Selection selection, Layout chosen, PlanRequest req) {
        List<VdiEntry> order = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<VdiEntry> todo = new ArrayDeque<>();
        for (int i = forest.roots().size() - 1; i >= 0; i--) {
            todo.push(forest.roots().get(i));
        }
        while (!todo.isEmpty()) {
            VdiEntry v = todo.pop();
            if (!seen.add(v.uuid())) {
                continue;
            }
            order.add(v);
            List<VdiEntry> kids = forest.children(v.uuid());
            for (int i = kids.size() - 1; i >= 0; i--) {
                todo.push(kids.get(i));
            }
        }
        for (VdiEntry v : forest.unreachable()) {
            if (seen.add(v.uuid())) {
                order.add(v);
            }
        }
        Set<String> hasMigratedBelow = migratedAncestors(forest, chosen);
        List<SourceNode> out = new ArrayList<>(order.size());
        for (VdiEntry v : order) {
            Fates.Fate f = chosen.fates.get(v.uuid());
            if (f == null) {
                f = defaultFate(forest, selection, v, hasMigratedBelow);
            }
            SnapshotInfo info = req.snapshots().get(v.uuid());
            out.add(new SourceNode(v.uuid(), v.parent(), v.role().label(), v.format(), v.hidden(), v.virtualSize(),
                    v.allocatedBytes(), v.depth(), forest.chainReadable(v.uuid()), v.nameLabel(),
                    info == null ? null : info.isASnapshot(), info == null ? null : info.snapshotOf(),
                    selection.isSelected(v.uuid()), f.disposition(), f.volume(), f.how()));
        }
        return out;
    }

    private static Set<String> migratedAncestors(SourceForest forest, Layout chosen) {
        Set<String> out = new HashSet<>();
        for (String uuid : chosen.volumeOf.keySet()) {
            List<String> chain = forest.chain(uuid);
            out.addAll(chain.subList(1, chain.size()));
        }
        return out;
    }

    private static Fates.Fate defaultFate(SourceForest forest, Selection selection, VdiEntry v,
                                          Set<String> hasMigratedBelow) {
        if (forest.inCycle(v.uuid()) || (selection.isSelected(v.uuid()) && !forest.chainReadable(v.uuid()))) {
            List<String> codes = new ArrayList<>();
            for (Problem p : forest.chainErrors(v.uuid())) {
                codes.add(p.code());
            }
            String why = forest.inCycle(v.uuid()) ? "its parent links form a cycle"
                    : codes.isEmpty() ? "its chain cannot be read exactly" : "its chain cannot be read exactly ("
                    + String.join(", ", codes) + ")";
            return new Fates.Fate(NodeDisposition.SKIPPED, null, why);
        }
        if (v.role() == VdiRole.HIDDEN_LEAF) {
            return new Fates.Fate(NodeDisposition.SKIPPED, null,
                    "hidden leaf: not user-visible and SM's garbage collector would delete it");
        }
        if (hasMigratedBelow.contains(v.uuid())) {
            return new Fates.Fate(NodeDisposition.FOLDED, null,
                    "no volume of its own: its data reaches the target inside its descendants' flattened chains");
        }
        if (v.role() == VdiRole.BASE_COPY) {
            return new Fates.Fate(NodeDisposition.NOT_SELECTED, null, "no selected VDI uses it");
        }
        return new Fates.Fate(NodeDisposition.NOT_SELECTED, null, "not selected");
    }
}
