package org.smapimigrate.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.inventory.VdiEntry;

/** What the plan does with each source image, collected while the steps are laid out. */
final class Fates {
    record Fate(NodeDisposition disposition, String volume, String how) {
    }

    /** A VDI or base copy written as a fresh flattened chain where a copy of its parent's volume was wanted. */
    record Fallback(String uuid, String reason) {
    }

    private final Map<String, Fate> fates = new HashMap<>();
    private final List<Fallback> fallbacks = new ArrayList<>();

    void fallback(VdiEntry v, String reason) {
        fallbacks.add(new Fallback(v.uuid(), reason));
    }

    List<Fallback> fallbacks() {
        return fallbacks;
    }

    void written(VdiEntry v, String volume, boolean isVdi, String how) {
        fates.put(v.uuid(), new Fate(isVdi ? NodeDisposition.MIGRATED : NodeDisposition.CARRIED, volume, how));
    }

    void folded(VdiEntry v, String why) {
        fates.put(v.uuid(), new Fate(NodeDisposition.FOLDED, null, (why == null ? "" : why + "; ")
                + "no volume of its own: its data reaches the target inside its descendants' flattened chains"));
    }

    void carrier(VdiEntry v, String carrier) {
        Fate f = fates.get(v.uuid());
        fates.put(v.uuid(), new Fate(f.disposition(), f.volume(), f.how() + "; kept as carrier " + carrier
                + " because the target clones only from snapshots"));
    }

    void skipped(VdiEntry v, String why) {
        fates.put(v.uuid(), new Fate(NodeDisposition.SKIPPED, null, why));
    }

    void set(VdiEntry v, NodeDisposition d, String volume, String how) {
        fates.put(v.uuid(), new Fate(d, volume, how));
    }

    Fate get(String uuid) {
        return fates.get(uuid);
    }
}
