package org.smapimigrate.live;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The byte ranges of a disk that may differ between two {@link FrozenState}s: sorted, merged
 * (no two touch), inside {@code [0, size)}. Memory grows with the number of runs, not with the disk
 * size (a fully changed disk is one range).
 *
 * <p>{@link #granularity} says how exact the source could be: 512 for sector bitmaps, 65536 for
 * CBT blocks; the pass report shows it.
 */
public final class ChangedRanges {
    private final long size;
    private final int granularity;
    private final long[] starts;
    private final long[] ends;
    private final long bytes;

    private ChangedRanges(long size, int granularity, long[] starts, long[] ends) {
        this.size = size;
        this.granularity = granularity;
        this.starts = starts;
        this.ends = ends;
        long b = 0;
        for (int i = 0; i < starts.length; i++) {
            b += ends[i] - starts[i];
        }
        this.bytes = b;
    }

    /** Everything: {@code [0, size)} (pass 0, or a source that cannot tell). */
    public static ChangedRanges all(long size, int granularity) {
        return new Builder(size, granularity).add(0, size).build();
    }

    /** Nothing changed. */
    public static ChangedRanges none(long size, int granularity) {
        return new Builder(size, granularity).build();
    }

    /**
     * A block bitmap as {@code VDI.list_changed_blocks} returns it (after base64): bit {@code i}
     * covers bytes {@code [i*blockSize, (i+1)*blockSize)}, MSB first (block 0 is bit 0x80 of byte 0;
     * xapi-integration.md section 4, "CBT"). Bits past {@code size} are ignored; the last block is
     * cut at {@code size}.
     */
    public static ChangedRanges ofBitmap(byte[] bitmap, int blockSize, long size) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("block size must be positive: " + blockSize);
        }
        Builder b = new Builder(size, blockSize);
        long blocks = Math.min((long) bitmap.length * 8, (size + blockSize - 1) / blockSize);
        for (long i = 0; i < blocks; i++) {
            if ((bitmap[(int) (i >>> 3)] & (0x80 >>> (i & 7))) != 0) {
                long at = i * blockSize;
                b.add(at, Math.min(blockSize, size - at));
            }
        }
        return b.build();
    }

    /** Disk size in bytes the ranges refer to. */
    public long size() {
        return size;
    }

    /** Smallest unit the source could tell changed (512: sectors, 65536: CBT blocks). */
    public int granularity() {
        return granularity;
    }

    /** Total bytes in the ranges. */
    public long bytes() {
        return bytes;
    }

    /** Number of ranges. */
    public int count() {
        return starts.length;
    }

    public boolean isEmpty() {
        return starts.length == 0;
    }

    /** Start of range {@code i} (0 ≤ i < {@link #count}). */
    public long start(int i) {
        return starts[i];
    }

    /** End (exclusive) of range {@code i}. */
    public long end(int i) {
        return ends[i];
    }

    /** The ranges that intersect {@code [offset, offset + length)}, cut to it, as {offset, length} pairs. */
    public List<long[]> within(long offset, long length) {
        List<long[]> out = new ArrayList<>();
        long end = offset + length;
        int i = Arrays.binarySearch(ends, offset);
        i = i < 0 ? -i - 1 : i + 1; // first range ending after offset
        for (; i < starts.length && starts[i] < end; i++) {
            long s = Math.max(starts[i], offset);
            long e = Math.min(ends[i], end);
            if (e > s) {
                out.add(new long[] {s, e - s});
            }
        }
        return out;
    }

    /** These ranges and {@code other}'s together (of the same disk; the coarser granularity wins). */
    public ChangedRanges union(ChangedRanges other) {
        Builder b = new Builder(Math.max(size, other.size), Math.max(granularity, other.granularity));
        int i = 0;
        int j = 0;
        while (i < count() || j < other.count()) {
            if (j >= other.count() || (i < count() && starts[i] <= other.starts[j])) {
                b.add(starts[i], ends[i] - starts[i]);
                i++;
            } else {
                b.add(other.starts[j], other.ends[j] - other.starts[j]);
                j++;
            }
        }
        return b.build();
    }

    @Override
    public String toString() {
        return count() + " ranges, " + bytes + " bytes of " + size + " (granularity " + granularity + ")";
    }

    /** Collects ranges added in ascending order of start (overlapping or touching ones merge). */
    public static final class Builder {
        private final long size;
        private final int granularity;
        private long[] starts = new long[16];
        private long[] ends = new long[16];
        private int n;

        public Builder(long size, int granularity) {
            if (size < 0 || granularity <= 0) {
                throw new IllegalArgumentException("size " + size + ", granularity " + granularity);
            }
            this.size = size;
            this.granularity = granularity;
        }

        /**
         * Adds {@code [offset, offset + length)}, cut at the disk size.
         *
         * @throws IllegalArgumentException when {@code offset} is before the start of the last range added
         */
        public Builder add(long offset, long length) {
            if (offset < 0 || length < 0) {
                throw new IllegalArgumentException("bad range offset=" + offset + " length=" + length);
            }
            long end = Math.min(size, offset + length);
            if (end <= offset) {
                return this;
            }
            if (n > 0 && offset < starts[n - 1]) {
                throw new IllegalArgumentException("ranges must be added in order: " + offset + " after "
                        + starts[n - 1]);
            }
            if (n > 0 && offset <= ends[n - 1]) {
                ends[n - 1] = Math.max(ends[n - 1], end);
                return this;
            }
            if (n == starts.length) {
                starts = Arrays.copyOf(starts, n * 2);
                ends = Arrays.copyOf(ends, n * 2);
            }
            starts[n] = offset;
            ends[n] = end;
            n++;
            return this;
        }

        public ChangedRanges build() {
            return new ChangedRanges(size, granularity, Arrays.copyOf(starts, n), Arrays.copyOf(ends, n));
        }
    }
}
