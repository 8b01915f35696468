package org.smapimigrate.plan;

import java.util.LinkedHashSet;
import java.util.Set;
import org.smapimigrate.inventory.VdiEntry;

/**
 * The selection resolved against the inventory: which images were asked for, and which of those
 * can be migrated (their chain reads exactly).
 */
final class Selection {
    final Set<String> selected = new LinkedHashSet<>();
    final Set<String> migratable = new LinkedHashSet<>();

    Selection(SourceForest forest, VdiSelection sel, String srLabel) {
        if (sel.all()) {
            for (VdiEntry v : forest.all()) {
                if (SourceForest.userVisible(v)) {
                    selected.add(v.uuid());
                }
            }
        } else {
            for (String uuid : sel.uuids()) {
                if (forest.get(uuid) == null) {
                    throw new PlanInputException("SR " + srLabel + " has no VDI " + uuid
                            + "; 'smapi-migrate scan' lists the VDIs it has");
                }
                selected.add(uuid);
            }
        }
        for (String uuid : selected) {
            if (forest.chainReadable(uuid)) {
                migratable.add(uuid);
            }
        }
    }

    boolean isSelected(String uuid) {
        return selected.contains(uuid);
    }

    boolean isMigratable(String uuid) {
        return migratable.contains(uuid);
    }
}
