package org.smapimigrate.plan;

/** How snapshot trees reach the target. */
public enum Strategy {
    /**
     * Each tree is written once: its root's flattened chain, then target snapshots or clones, then
     * only each child's own blocks. Falls back to flattening single VDIs where the target or the
     * tree's shape leaves no other way.
     */
    PRESERVE,
    /** Every VDI gets a standalone volume with its whole chain flattened into it. */
    FLATTEN
}
