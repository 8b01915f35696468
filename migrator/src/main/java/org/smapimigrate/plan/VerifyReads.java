package org.smapimigrate.plan;

import java.util.List;

/**
 * What the verify steps of a plan read, for the time estimate (issue 10 item 3). A flattened copy
 * hashes the very buffers it writes, so the verify step of a volume made by that one copy reads
 * only the target back, once; a volume built by several copies (a snapshot tree's own-blocks
 * copies) is verified by reading the source image again through its chain, then the target: both
 * sides. The executor makes the same choice (execute/CopiedDigest.copyProving; a test holds the
 * two to the same answer).
 */
public final class VerifyReads {
    private VerifyReads() {
    }

    /**
     * The one copy whose digest proves {@code verify}: the only copy into its volume, of the whole
     * flattened source it checks; null when the volume is built by several copies.
     */
    public static CopyExtents provingCopy(List<Step> steps, VerifyVolume verify) {
        CopyExtents only = null;
        for (Step s : steps) {
            if (s instanceof CopyExtents c && c.volume().equals(verify.volume())) {
                if (only != null) {
                    return null;
                }
                only = c;
            }
        }
        boolean whole = only != null && only.scope() == CopyScope.FLATTENED_CHAIN
                && only.source().equals(verify.source()) && only.sourceSize() == verify.size();
        return whole ? only : null;
    }

    /** Bytes the verify steps read: each step's allocated bytes once, twice where no copy proves it. */
    public static long bytes(List<Step> steps) {
        long n = 0;
        for (Step s : steps) {
            if (s instanceof VerifyVolume v) {
                n += provingCopy(steps, v) != null ? v.bytes() : 2 * v.bytes();
            }
        }
        return n;
    }
}
