package org.smapimigrate.verify;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The read-back check of a copy, algorithm {@value #ALGORITHM}: for each 2 MiB block (the
 * blocks of {@link DiskDigest}), CRC-32C of its bytes in the high 32 bits and CRC-32 (IEEE) in
 * the low 32 bits; the whole value is SHA-256 of the blocks' 8-byte checks (big-endian, in
 * order). Only blocks whose check differs from that of as many zero bytes are stored.
 *
 * <p>Why not SHA-256 again: the copy already computes the source's SHA-256 tree (the manifest's
 * digest, which {@code verify --manifest} re-checks against the target at any time). Reading the
 * target back only has to show that it holds the bytes the copy read, against faults (a lost or
 * misplaced write, a datapath that hands out another file, a medium error), not an adversary: that
 * is what btrfs (CRC-32C per block) and iSCSI (CRC-32C digests) check with. The two CRCs have
 * different generator polynomials, so a block that differs passes both with probability about
 * 2^-64, and every error burst of up to 32 bits is caught. Both are JDK intrinsics (tens of GiB/s
 * a core against about 1.7 GiB/s for SHA-256 with SHA-NI), so the read-back costs the reading,
 * not a second hash of every byte (issue 10).
 */
public final class BlockChecks {
    public static final String ALGORITHM = "crc32c-crc32-of-2MiB-blocks";

    private final long size;
    private final byte[] whole;
    private final long[] indices;
    private final long[] checks;

    BlockChecks(long size, byte[] whole, long[] indices, long[] checks) {
        if (whole.length != 32 || indices.length != checks.length) {
            throw new IllegalArgumentException("bad block check lengths");
        }
        for (int i = 1; i < indices.length; i++) {
            if (indices[i] <= indices[i - 1]) {
                throw new IllegalArgumentException("block indices must be ascending: " + indices[i]);
            }
        }
        if (indices.length > 0 && (indices[0] < 0 || indices[indices.length - 1] >= DiskDigest.blockCount(size))) {
            throw new IllegalArgumentException("block index outside a disk of " + size + " bytes");
        }
        this.size = size;
        this.whole = whole.clone();
        this.indices = indices;
        this.checks = checks;
    }

    @JsonCreator
    static BlockChecks fromJson(@JsonProperty("algorithm") String algorithm, @JsonProperty("size") long size,
                                @JsonProperty("whole") String whole, @JsonProperty("indices") long[] indices,
                                @JsonProperty("checks") long[] checks) {
        if (!ALGORITHM.equals(algorithm)) {
            throw new IllegalArgumentException("unknown block check algorithm '" + algorithm + "'");
        }
        if (whole == null || indices == null || checks == null) {
            throw new IllegalArgumentException("block checks need whole, indices and checks");
        }
        return new BlockChecks(size, HexFormat.of().parseHex(whole), indices, checks);
    }

    @JsonProperty("algorithm")
    public String algorithm() {
        return ALGORITHM;
    }

    @JsonProperty("size")
    public long size() {
        return size;
    }

    /** SHA-256 of the blocks' checks in order, lower-case hex. */
    @JsonProperty("whole")
    public String whole() {
        return HexFormat.of().formatHex(whole);
    }

    @JsonProperty("indices")
    long[] indices() {
        return indices;
    }

    @JsonProperty("checks")
    long[] checks() {
        return checks;
    }

    /** Number of blocks that do not read as zeros. */
    public int nonZeroBlocks() {
        return indices.length;
    }

    /**
     * Compares with {@code other} (the copy's checks with the target's), block by block: the
     * same outcome {@link DiskDigest#compare} gives, so reports read the same.
     */
    public DigestComparison compare(BlockChecks other) {
        if (size == other.size && Arrays.equals(whole, other.whole) && Arrays.equals(indices, other.indices)
                && Arrays.equals(checks, other.checks)) {
            return new DigestComparison(size, other.size, true, 0, List.of());
        }
        long blocks = Math.min(DiskDigest.blockCount(size), DiskDigest.blockCount(other.size));
        long mismatched = 0;
        List<Long> first = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < indices.length || j < other.indices.length) {
            long ai = i < indices.length ? indices[i] : Long.MAX_VALUE;
            long bj = j < other.indices.length ? other.indices[j] : Long.MAX_VALUE;
            long index = Math.min(ai, bj);
            if (index >= blocks) {
                break;
            }
            boolean differs;
            if (ai == bj) {
                differs = checks[i] != other.checks[j];
                i++;
                j++;
            } else {
                differs = true; // a zero block's check is never stored
                if (ai < bj) {
                    i++;
                } else {
                    j++;
                }
            }
            if (differs) {
                mismatched++;
                if (first.size() < DigestComparison.LISTED) {
                    first.add(index);
                }
            }
        }
        boolean wholeMatches = Arrays.equals(whole, other.whole);
        return new DigestComparison(size, other.size, wholeMatches, mismatched, List.copyOf(first));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockChecks c && size == c.size && Arrays.equals(whole, c.whole)
                && Arrays.equals(indices, c.indices) && Arrays.equals(checks, c.checks);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(whole);
    }

    @Override
    public String toString() {
        return ALGORITHM + ":" + whole() + " (" + size + " bytes, " + indices.length + " non-zero blocks)";
    }
}
