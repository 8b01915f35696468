package org.smapimigrate.plan;

/** Why a target volume exists. */
public enum VolumePurpose {
    /** It ends up as the volume of one migrated VDI. */
    VDI,
    /**
     * It holds a base copy's content only so the target can clone from it (a target whose clones
     * must come from snapshots). Base copies are never user-visible, so this is the only case a
     * base copy gets a volume of its own.
     */
    CARRIER
}
