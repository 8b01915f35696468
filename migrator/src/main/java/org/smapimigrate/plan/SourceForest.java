package org.smapimigrate.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;

/**
 * The inventory as trees: children of each image, roots, and per image whether its whole chain
 * reads and how many bytes the chain holds. Every walk is iterative and guarded against parent
 * cycles, so a hostile inventory cannot make it recurse or loop forever.
 */
final class SourceForest {
    private final SrInventory inv;
    private final Map<String, VdiEntry> byUuid = new LinkedHashMap<>();
    private final Map<String, List<VdiEntry>> children = new HashMap<>();
    private final List<VdiEntry> roots = new ArrayList<>();
    private final Map<String, List<Problem>> problemsByPath = new HashMap<>();
    private final Map<String, Boolean> chainReadable = new HashMap<>();
    private final Map<String, Long> chainAllocated = new HashMap<>();
    private final Map<String, Integer> chainHolding = new HashMap<>();
    private final Set<String> inCycle = new HashSet<>();

    SourceForest(SrInventory inv) {
        this.inv = inv;
        for (VdiEntry v : inv.vdis()) {
            byUuid.putIfAbsent(v.uuid(), v);
        }
        for (Problem p : inv.problems()) {
            if (p.path() != null) {
                problemsByPath.computeIfAbsent(p.path(), k -> new ArrayList<>()).add(p);
            }
        }
        for (VdiEntry v : byUuid.values()) {
            if (v.parent() == null || !byUuid.containsKey(v.parent())) {
                roots.add(v);
            } else {
                children.computeIfAbsent(v.parent(), k -> new ArrayList<>()).add(v);
            }
        }
        Comparator<VdiEntry> byId = Comparator.comparing(VdiEntry::uuid);
        roots.sort(byId);
        children.values().forEach(l -> l.sort(byId));
        findCycles();
        for (VdiEntry v : byUuid.values()) {
            settle(v);
        }
    }

    SrInventory inventory() {
        return inv;
    }

    VdiEntry get(String uuid) {
        return byUuid.get(uuid);
    }

    List<VdiEntry> all() {
        return List.copyOf(byUuid.values());
    }

    List<VdiEntry> roots() {
        return roots;
    }

    List<VdiEntry> children(String uuid) {
        return children.getOrDefault(uuid, List.of());
    }

    boolean isLeaf(VdiEntry v) {
        return children(v.uuid()).isEmpty();
    }

    /** Part of a parent cycle: no chain through it can be read. */
    boolean inCycle(String uuid) {
        return inCycle.contains(uuid);
    }

    /** The set XAPI shows: non-hidden VHD leaves and raw VDIs that are nobody's parent. */
    static boolean userVisible(VdiEntry v) {
        return v.role() == VdiRole.USER || v.role() == VdiRole.RAW;
    }

    /** Problems reported on this image's own file or LV. */
    List<Problem> problems(VdiEntry v) {
        return v.path() == null ? List.of() : problemsByPath.getOrDefault(v.path(), List.of());
    }

    /** Every image of the chain reads exactly and the chain ends at a real root. */
    boolean chainReadable(String uuid) {
        return chainReadable.getOrDefault(uuid, false);
    }

    /** Sum of allocated bytes from this image to its root: an upper bound of the flattened data. */
    long chainAllocated(String uuid) {
        return chainAllocated.getOrDefault(uuid, 0L);
    }

    /**
     * Images of the chain that hold data: with more than one, a flattened read's bytes are only an
     * upper bound (their blocks can overlap).
     */
    int chainHolding(String uuid) {
        return chainHolding.getOrDefault(uuid, 0);
    }

    /** Uuids from this image to its root (stops at a cycle). */
    List<String> chain(String uuid) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        VdiEntry v = byUuid.get(uuid);
        while (v != null && seen.add(v.uuid())) {
            out.add(v.uuid());
            v = v.parent() == null ? null : byUuid.get(v.parent());
        }
        return out;
    }

    /** ERROR problems on any image of the chain. */
    List<Problem> chainErrors(String uuid) {
        List<Problem> out = new ArrayList<>();
        for (String id : chain(uuid)) {
            for (Problem p : problems(byUuid.get(id))) {
                if (p.severity() == Severity.ERROR) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    private boolean ownReadable(VdiEntry v) {
        if (!v.readable() || inCycle.contains(v.uuid())) {
            return false;
        }
        if (v.parent() != null && !byUuid.containsKey(v.parent())) {
            return false; // names a parent the SR does not have
        }
        for (Problem p : problems(v)) {
            if (p.severity() == Severity.ERROR) {
                return false;
            }
        }
        return true;
    }

    /** Fills the memo for v and every ancestor not yet settled, root first. */
    private void settle(VdiEntry start) {
        Deque<VdiEntry> path = new ArrayDeque<>();
        VdiEntry v = start;
        Set<String> seen = new HashSet<>();
        while (v != null && !chainReadable.containsKey(v.uuid()) && seen.add(v.uuid())) {
            path.push(v);
            v = v.parent() == null ? null : byUuid.get(v.parent());
        }
        while (!path.isEmpty()) {
            VdiEntry n = path.pop();
            VdiEntry p = n.parent() == null ? null : byUuid.get(n.parent());
            boolean parentOk = p == null || chainReadable.getOrDefault(p.uuid(), false);
            long parentBytes = p == null ? 0 : chainAllocated.getOrDefault(p.uuid(), 0L);
            int parentHolding = p == null ? 0 : chainHolding.getOrDefault(p.uuid(), 0);
            chainReadable.put(n.uuid(), ownReadable(n) && parentOk);
            chainAllocated.put(n.uuid(), Math.max(0, n.allocatedBytes()) + parentBytes);
            chainHolding.put(n.uuid(), (n.allocatedBytes() > 0 ? 1 : 0) + parentHolding);
        }
    }

    /** Marks images whose parent links loop back on themselves (white-grey-black walk up). */
    private void findCycles() {
        Map<String, Integer> state = new HashMap<>(); // 1 on the current walk, 2 done
        for (VdiEntry start : byUuid.values()) {
            List<String> walk = new ArrayList<>();
            VdiEntry v = start;
            while (v != null && !state.containsKey(v.uuid())) {
                state.put(v.uuid(), 1);
                walk.add(v.uuid());
                v = v.parent() == null ? null : byUuid.get(v.parent());
            }
            if (v != null && state.get(v.uuid()) == 1) {
                int from = walk.indexOf(v.uuid());
                inCycle.addAll(walk.subList(from, walk.size()));
            }
            for (String id : walk) {
                state.put(id, 2);
            }
        }
    }

    /** Images no root reaches (cycles and whatever hangs below them). */
    List<VdiEntry> unreachable() {
        Set<String> reached = new HashSet<>();
        Deque<VdiEntry> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            VdiEntry v = todo.pop();
            if (reached.add(v.uuid())) {
                todo.addAll(children(v.uuid()));
            }
        }
        List<VdiEntry> out = new ArrayList<>();
        for (VdiEntry v : byUuid.values()) {
            if (!reached.contains(v.uuid())) {
                out.add(v);
            }
        }
        return Collections.unmodifiableList(out);
    }
}
