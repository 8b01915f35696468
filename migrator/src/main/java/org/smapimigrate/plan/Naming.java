package org.smapimigrate.plan;

import org.smapimigrate.inventory.VdiEntry;

/**
 * Names and descriptions for target volumes. LVHD SRs keep names in MGT; file SRs keep them only
 * in the XAPI database, so a nameless VDI is named after its source uuid.
 */
final class Naming {
    private final String srUuid;

    Naming(String srUuid) {
        this.srUuid = srUuid == null ? "?" : srUuid;
    }

    String name(VdiEntry v) {
        return v.nameLabel() != null && !v.nameLabel().isBlank() ? v.nameLabel() : v.uuid();
    }

    String description(VdiEntry v) {
        if (v.nameDescription() != null && !v.nameDescription().isBlank()) {
            return v.nameDescription();
        }
        return "Migrated by smapi-migrate from SMAPIv1 SR " + srUuid + ", VDI " + v.uuid();
    }

    String carrierName() {
        return "base copy";
    }

    String carrierDescription(VdiEntry base) {
        return "smapi-migrate carrier of base copy " + base.uuid() + " from SR " + srUuid
                + ": clones were made from it; keep it while they exist";
    }
}
