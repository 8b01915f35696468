package org.smapimigrate.plan;

import java.util.List;

/**
 * Which VDIs to migrate: every user-visible one (non-hidden leaves and raw VDIs, the set XAPI
 * shows), or the given uuids. A given base copy or hidden leaf is migrated too, as a standalone
 * flattened volume, since the user asked for it by name.
 */
public record VdiSelection(boolean all, List<String> uuids) {

    public VdiSelection {
        uuids = uuids == null ? List.of() : List.copyOf(uuids);
    }

    public static VdiSelection allUserVisible() {
        return new VdiSelection(true, List.of());
    }

    public static VdiSelection of(List<String> uuids) {
        return new VdiSelection(false, uuids);
    }
}
