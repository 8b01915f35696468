package org.smapimigrate.plan;

/**
 * The cost of one strategy for the same selection, so a report can compare them.
 *
 * @param available                 the target supports it
 * @param bytesToCopy               allocated bytes read and written
 * @param bytesUpperBound           {@code bytesToCopy} sums overlapping chains: the real figure can be smaller
 * @param targetSpaceSharing        space needed on a target whose snapshots and clones share blocks
 * @param targetSpaceWithoutSharing space needed on a target that copies them in full (an upper bound)
 * @param volumes                   volumes made
 * @param estimatedSeconds          copy plus verification (VerifyReads) at the plan's throughput, plus plugin calls
 */
public record StrategyFigures(boolean available, long bytesToCopy, boolean bytesUpperBound, long targetSpaceSharing,
                              long targetSpaceWithoutSharing, int volumes, long estimatedSeconds) {
}
