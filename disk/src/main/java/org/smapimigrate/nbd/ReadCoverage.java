package org.smapimigrate.nbd;

import java.util.Map;
import java.util.TreeMap;

/**
 * Which bytes of one structured READ the server's chunks have filled. proto.md: data and hole
 * chunks may come in any order but "must not overlap, must together cover the request on
 * success". An overlap or a gap would leave bytes the caller trusts but nobody wrote.
 */
final class ReadCoverage {
    private final long length;
    /** start → end of the ranges seen so far, relative to the request's offset. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    private long covered;

    ReadCoverage(long length) {
        this.length = length;
    }

    /**
     * Records {@code [start, start + count)}.
     *
     * @return null when accepted, else what is wrong with it
     */
    String add(long start, long count) {
        if (count <= 0) {
            return "empty chunk at " + start;
        }
        if (start < 0 || start > length - count) {
            return "chunk [" + start + ", " + (start + count) + ") outside the requested " + length + " bytes";
        }
        long end = start + count;
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() > start) {
            return "chunk [" + start + ", " + end + ") overlaps [" + before.getKey() + ", " + before.getValue() + ")";
        }
        Map.Entry<Long, Long> after = ranges.ceilingEntry(start);
        if (after != null && after.getKey() < end) {
            return "chunk [" + start + ", " + end + ") overlaps [" + after.getKey() + ", " + after.getValue() + ")";
        }
        // Merge with touching neighbours so the map stays as small as the number of gaps.
        long newStart = start;
        long newEnd = end;
        if (before != null && before.getValue() == start) {
            newStart = before.getKey();
            ranges.remove(before.getKey());
        }
        if (after != null && after.getKey() == end) {
            newEnd = after.getValue();
            ranges.remove(after.getKey());
        }
        ranges.put(newStart, newEnd);
        covered += count;
        return null;
    }

    boolean complete() {
        return covered == length;
    }

    long covered() {
        return covered;
    }
}
