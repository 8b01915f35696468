package org.smapimigrate.report.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.smapimigrate.plan.CloneVolume;
import org.smapimigrate.plan.CopyExtents;
import org.smapimigrate.plan.CopyScope;
import org.smapimigrate.plan.NodeDisposition;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.ResizeVolume;
import org.smapimigrate.plan.SnapshotVolume;
import org.smapimigrate.plan.SourceNode;
import org.smapimigrate.plan.Step;
import org.smapimigrate.plan.VolumePurpose;
import org.smapimigrate.report.Sizes;

/** A short label per source image saying what the plan does with it, for tree drawings. */
final class NodeActions {
    /** How an image reaches the target, for styling the edge from its parent. */
    enum Link {
        /** Its content derives from the parent's volume (continues on it, snapshot or clone of it). */
        SHARED,
        /** It starts afresh: a new volume with its chain flattened, or nothing of its own. */
        FRESH,
        /** Nothing reaches the target. */
        NONE
    }

    private final Map<String, List<CopyExtents>> copies = new HashMap<>();
    private final Map<String, ResizeVolume> resizes = new HashMap<>();
    private final Map<String, SourceNode> nodes = new HashMap<>();
    private final Map<String, String> cloneSources = new HashMap<>();
    private final Set<String> carriers = new HashSet<>();

    NodeActions(Plan plan) {
        for (Step s : plan.steps()) {
            if (s instanceof CopyExtents c) {
                copies.computeIfAbsent(c.source(), k -> new ArrayList<>()).add(c);
            } else if (s instanceof ResizeVolume r) {
                resizes.put(r.forImage(), r);
            } else if (s instanceof CloneVolume c) {
                cloneSources.put(c.id(), c.of());
            } else if (s instanceof SnapshotVolume sn && sn.purpose() == VolumePurpose.CARRIER) {
                carriers.add(sn.owner());
            }
        }
        for (SourceNode n : plan.nodes()) {
            nodes.put(n.uuid(), n);
        }
    }

    Link link(SourceNode n) {
        if (n.volume() == null) {
            return n.disposition() == NodeDisposition.FOLDED ? Link.FRESH : Link.NONE;
        }
        SourceNode p = n.parent() == null ? null : nodes.get(n.parent());
        if (p != null && p.volume() != null && (n.volume().equals(p.volume()) || !n.volume().startsWith("create:"))) {
            return Link.SHARED;
        }
        return Link.FRESH;
    }

    String label(SourceNode n) {
        switch (n.disposition()) {
            case FOLDED:
                return "no volume: inside its descendants' copies";
            case SKIPPED:
                return "skipped: " + n.how();
            case NOT_SELECTED:
                return n.how();
            default:
                break;
        }
        List<String> parts = new ArrayList<>();
        String v = n.volume();
        SourceNode p = n.parent() == null ? null : nodes.get(n.parent());
        boolean standalone = n.selected() && n.disposition() == NodeDisposition.MIGRATED
                && v.equals("create:" + n.uuid()) && copies.getOrDefault(n.uuid(), List.of()).stream()
                .anyMatch(c -> c.scope() == CopyScope.FLATTENED_CHAIN);
        if (p != null && p.volume() != null && v.equals(p.volume()) && !standalone) {
            parts.add("continues on parent's volume");
        } else if (v.startsWith("snapshot:")) {
            parts.add("target snapshot (read-only)");
        } else if (v.startsWith("clone:")) {
            String from = cloneSources.getOrDefault(v, "");
            parts.add(from.startsWith("carrier:") ? "clone of parent's carrier snapshot"
                    : from.startsWith("snapshot:") ? "clone of a sibling's snapshot" : "clone of parent's volume");
        } else {
            parts.add("new volume");
        }
        ResizeVolume r = resizes.get(n.uuid());
        if (r != null) {
            parts.add("grown to " + Sizes.human(r.toSize()));
        }
        for (CopyExtents c : copies.getOrDefault(n.uuid(), List.of())) {
            parts.add(c.scope() == CopyScope.FLATTENED_CHAIN
                    ? "flattened chain " + (c.upperBound() ? "≤ " : "") + Sizes.human(c.bytes())
                    : "own blocks " + Sizes.human(c.bytes()));
        }
        if (carriers.contains(n.uuid())) {
            parts.add("kept as a carrier snapshot to clone from");
        }
        return String.join(" · ", parts);
    }
}
