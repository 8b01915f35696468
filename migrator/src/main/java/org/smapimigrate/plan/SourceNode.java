package org.smapimigrate.plan;

/**
 * One source image and what the plan does with it; the plan keeps every image of the SR so a
 * report can draw the trees from the plan alone.
 *
 * @param uuid            VDI uuid
 * @param parent          parent uuid, or null
 * @param role            {@code user}, {@code base-copy}, {@code raw}, {@code hidden-leaf}
 * @param format          {@code vhd} or {@code raw}
 * @param hidden          the hidden flag
 * @param virtualSize     bytes
 * @param allocatedBytes  bytes this image holds itself
 * @param depth           images from this one to its root
 * @param readable        the chain reads exactly
 * @param name            name label, or null
 * @param isASnapshot     XAPI's is_a_snapshot, or null when unknown
 * @param snapshotOf      source uuid this is a snapshot of, or null
 * @param selected        named by the selection
 * @param disposition     what happens to it
 * @param volume          step id of the target volume holding its content (its own, or the carrier
 *                        its children derive from), or null
 * @param how             one line saying how it reaches the target, or why not
 */
public record SourceNode(String uuid, String parent, String role, String format, boolean hidden, long virtualSize,
                         long allocatedBytes, int depth, boolean readable, String name, Boolean isASnapshot,
                         String snapshotOf, boolean selected, NodeDisposition disposition, String volume,
                         String how) {
}
