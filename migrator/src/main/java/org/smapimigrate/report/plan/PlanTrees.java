package org.smapimigrate.report.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.smapimigrate.plan.NodeDisposition;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.SourceNode;

/**
 * The source trees of a plan, rebuilt from its node list (which is in tree order: each root
 * followed by its descendants), with each node's depth in its tree. Trees holding a migrated VDI
 * come first.
 */
final class PlanTrees {
    /** A node placed in its tree. */
    record Row(SourceNode node, int level, boolean lastChild, List<Boolean> openAncestors) {
    }

    final List<List<Row>> trees = new ArrayList<>();
    final Map<String, List<SourceNode>> children = new HashMap<>();

    PlanTrees(Plan plan) {
        Map<String, SourceNode> byId = new LinkedHashMap<>();
        for (SourceNode n : plan.nodes()) {
            byId.put(n.uuid(), n);
        }
        List<SourceNode> roots = new ArrayList<>();
        for (SourceNode n : plan.nodes()) {
            if (n.parent() == null || !byId.containsKey(n.parent())) {
                roots.add(n);
            } else {
                children.computeIfAbsent(n.parent(), k -> new ArrayList<>()).add(n);
            }
        }
        Set<String> placed = new HashSet<>();
        List<List<Row>> migrated = new ArrayList<>();
        List<List<Row>> rest = new ArrayList<>();
        for (SourceNode root : roots) {
            List<Row> rows = new ArrayList<>();
            walk(root, 0, true, new ArrayList<>(), rows, placed);
            boolean any = rows.stream().anyMatch(r -> r.node().disposition() == NodeDisposition.MIGRATED);
            (any ? migrated : rest).add(rows);
        }
        // Nodes in parent cycles have no root: draw each on its own.
        for (SourceNode n : plan.nodes()) {
            if (!placed.contains(n.uuid())) {
                placed.add(n.uuid());
                rest.add(List.of(new Row(n, 0, true, List.of())));
            }
        }
        trees.addAll(migrated);
        trees.addAll(rest);
    }

    private void walk(SourceNode start, int level0, boolean last0, List<Boolean> open0, List<Row> rows,
                      Set<String> placed) {
        record Item(SourceNode n, int level, boolean last, List<Boolean> open) {
        }
        ArrayList<Item> stack = new ArrayList<>();
        stack.add(new Item(start, level0, last0, open0));
        while (!stack.isEmpty()) {
            Item it = stack.remove(stack.size() - 1);
            if (!placed.add(it.n().uuid())) {
                continue;
            }
            rows.add(new Row(it.n(), it.level(), it.last(), it.open()));
            List<SourceNode> kids = children.getOrDefault(it.n().uuid(), List.of());
            List<Boolean> open = new ArrayList<>(it.open());
            if (it.level() > 0) {
                open.add(!it.last());
            }
            for (int i = kids.size() - 1; i >= 0; i--) {
                stack.add(new Item(kids.get(i), it.level() + 1, i == kids.size() - 1, List.copyOf(open)));
            }
        }
    }

    int nodeCount() {
        return trees.stream().mapToInt(List::size).sum();
    }
}
