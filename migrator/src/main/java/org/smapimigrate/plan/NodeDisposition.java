package org.smapimigrate.plan;

/** What the plan does with one source image. */
public enum NodeDisposition {
    /** A VDI that gets a target volume. */
    MIGRATED,
    /** A base copy whose data is written once into a volume its children's volumes derive from. */
    CARRIED,
    /** A base copy whose data reaches the target only inside its descendants' flattened chains. */
    FOLDED,
    /** A base copy with nothing selected below it, or a VDI not selected. */
    NOT_SELECTED,
    /** A selected or user-visible VDI the plan leaves out (unreadable, hidden leaf, ...): see the risks. */
    SKIPPED
}
