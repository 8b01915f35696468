package org.smapimigrate.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of comparing two disk digests: equal, or which blocks differ (the first few listed,
 * all counted) and whether the sizes differ.
 *
 * @param expectedSize     size of the first (reference) disk
 * @param actualSize       size of the second disk
 * @param wholeMatches     whether the whole-disk digests are equal
 * @param mismatchedBlocks blocks whose digests differ, counted over the blocks both disks have
 * @param firstMismatches  up to {@value #LISTED} of their indices, ascending
 */
public record DigestComparison(long expectedSize, long actualSize, boolean wholeMatches, long mismatchedBlocks,
                               List<Long> firstMismatches) {
    public static final int LISTED = 20;

    public boolean matches() {
        return expectedSize == actualSize && wholeMatches && mismatchedBlocks == 0;
    }

    /** One line for reports: {@code match}, or what differs and where. */
    public String describe() {
        if (matches()) {
            return "match";
        }
        StringBuilder b = new StringBuilder();
        if (expectedSize != actualSize) {
            b.append("size ").append(actualSize).append(" instead of ").append(expectedSize);
        }
        if (mismatchedBlocks > 0) {
            if (b.length() > 0) {
                b.append("; ");
            }
            b.append(mismatchedBlocks).append(" block(s) of 2 MiB differ, first at byte offsets ");
            List<String> at = new ArrayList<>();
            for (long i : firstMismatches) {
                at.add(Long.toString(i * DiskDigest.BLOCK_SIZE));
            }
            b.append(String.join(", ", at));
        } else if (!wholeMatches && expectedSize == actualSize) {
            b.append("whole-disk digests differ although every block digest matches (a damaged manifest?)");
        }
        return b.toString();
    }

    static DigestComparison of(DiskDigest a, DiskDigest b) {
        if (a.size() == b.size() && a.sameWhole(b)) {
            return new DigestComparison(a.size(), b.size(), true, 0, List.of());
        }
        // Walk both sparse lists together; a block listed on one side only differs unless the
        // other side's implicit zero digest happens to equal it (it cannot: zero digests are not listed).
        long blocks = Math.min(a.blockCount(), b.blockCount());
        long mismatched = 0;
        List<Long> first = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.nonZeroBlocks() || j < b.nonZeroBlocks()) {
            long ai = i < a.nonZeroBlocks() ? a.nonZeroIndex(i) : Long.MAX_VALUE;
            long bj = j < b.nonZeroBlocks() ? b.nonZeroIndex(j) : Long.MAX_VALUE;
            long index = Math.min(ai, bj);
            if (index >= blocks) {
                break;
            }
            boolean differs;
            if (ai == bj) {
                differs = !a.sameDigestAt(i, b, j) || a.blockLength(index) != b.blockLength(index);
                i++;
                j++;
            } else {
                differs = true;
                if (ai < bj) {
                    i++;
                } else {
                    j++;
                }
            }
            if (differs) {
                mismatched++;
                if (first.size() < LISTED) {
                    first.add(index);
                }
            }
        }
        return new DigestComparison(a.size(), b.size(), a.sameWhole(b), mismatched, List.copyOf(first));
    }
}
