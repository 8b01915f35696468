package org.smapimigrate.plan;

/**
 * The plan's figures.
 *
 * @param vdisInSr               images in the source inventory (base copies and hidden leaves included)
 * @param vdisSelected           VDIs the selection names
 * @param vdisMigrated           VDIs that get a volume
 * @param vdisSkipped            selected VDIs left out (see the risks)
 * @param volumes                target volumes made (VDIs and carriers)
 * @param carriers               of which carriers
 * @param virtualBytes           sum of the migrated VDIs' virtual sizes
 * @param bytesToCopy            allocated bytes the copy steps move
 * @param bytesToCopyUpperBound  some copy reads a chain: the real figure can be smaller
 * @param bytesToVerify          allocated bytes the verify steps read (on each side)
 * @param targetSpaceNeeded      space the chosen strategy needs on this target
 * @param targetSpaceBasis       how {@code targetSpaceNeeded} was worked out
 * @param estimatedSeconds       copy plus verify at the plan's throughput (the verify reading the target once, and the
 *                               source again only where no single flattened copy proves the volume, VerifyReads), plus the
 *                               plugin calls at their measured cost
 * @param preserve               figures for keeping the trees
 * @param flatten                figures for flattening every VDI
 * @param pluginCalls            plugin executables the steps start ({@link PluginCalls})
 */
public record Totals(int vdisInSr, int vdisSelected, int vdisMigrated, int vdisSkipped, int volumes, int carriers,
                     long virtualBytes, long bytesToCopy, boolean bytesToCopyUpperBound, long bytesToVerify,
                     long targetSpaceNeeded, String targetSpaceBasis, long estimatedSeconds,
                     StrategyFigures preserve, StrategyFigures flatten, int pluginCalls) {
}
