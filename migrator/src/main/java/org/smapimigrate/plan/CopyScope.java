package org.smapimigrate.plan;

/** Which data of a source image a copy step writes. */
public enum CopyScope {
    /**
     * The image read through its whole chain, as the flattened virtual disk ({@code openVdi}).
     * Written into a fresh, empty volume: holes may stay holes.
     */
    FLATTENED_CHAIN,
    /**
     * Only the sectors this one image holds itself (its BAT and sector bitmaps), written on top of
     * a volume that already holds its parent's content. Sectors the image holds as zeros must be
     * written as zeros (they hide parent data); sectors it does not hold must be left untouched.
     */
    OWN_BLOCKS
}
