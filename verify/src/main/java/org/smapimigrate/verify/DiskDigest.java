package org.smapimigrate.verify;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The digest of a whole disk, algorithm {@value #ALGORITHM}:
 * <ul>
 *   <li>the disk is cut into blocks of {@value #BLOCK_SIZE} bytes (2 MiB, the VHD block size);
 *       the last block is shorter when the size is not a multiple;</li>
 *   <li>each block's digest is SHA-256 of its bytes;</li>
 *   <li>the whole-disk digest is SHA-256 of the concatenated 32-byte block digests, in order.</li>
 * </ul>
 * A block that reads as zeros has the digest of that many zero bytes, which is known in advance,
 * so a hole costs nothing to hash: a 2 TiB disk that is mostly holes hashes in the time its data
 * takes. Only the blocks whose digest differs from the zero-block digest are stored (indices and
 * digests packed, 40 bytes a block), so the record grows with the data, not the virtual size.
 * Two disks have the same digest exactly when they have the same size and the same bytes (up to
 * SHA-256 collisions).
 */
@JsonSerialize(using = DiskDigestJson.Writer.class)
@JsonDeserialize(using = DiskDigestJson.Reader.class)
public final class DiskDigest {
    public static final String ALGORITHM = "sha256-of-2MiB-block-sha256s";
    public static final int BLOCK_SIZE = 2 << 20;
    public static final String DEFINITION = "blocks of 2097152 bytes (the last one shorter if need be); "
            + "whole = SHA-256(SHA-256(block 0) || SHA-256(block 1) || ...); blocks lists only the blocks "
            + "whose digest differs from that of the same number of zero bytes";

    private final long size;
    private final byte[] whole;
    private final long[] indices;
    private final byte[] digests;

    /**
     * @param indices ascending indices of the non-zero blocks
     * @param digests their SHA-256 digests, 32 bytes each, in the same order
     */
    DiskDigest(long size, byte[] whole, long[] indices, byte[] digests) {
        if (whole.length != 32 || digests.length != indices.length * 32) {
            throw new IllegalArgumentException("bad digest lengths");
        }
        for (int i = 1; i < indices.length; i++) {
            if (indices[i] <= indices[i - 1]) {
                throw new IllegalArgumentException("block indices must be ascending: " + indices[i]);
            }
        }
        if (indices.length > 0 && (indices[0] < 0 || indices[indices.length - 1] >= blockCount(size))) {
            throw new IllegalArgumentException("block index outside a disk of " + size + " bytes");
        }
        this.size = size;
        this.whole = whole.clone();
        this.indices = indices;
        this.digests = digests;
    }

    public static long blockCount(long size) {
        return (size + BLOCK_SIZE - 1) / BLOCK_SIZE;
    }

    public long size() {
        return size;
    }

    public long blockCount() {
        return blockCount(size);
    }

    /** The whole-disk digest, lower-case hex. */
    public String whole() {
        return HexFormat.of().formatHex(whole);
    }

    /** Number of blocks that do not read as zeros. */
    public int nonZeroBlocks() {
        return indices.length;
    }

    /** Index of the {@code i}-th non-zero block. */
    public long nonZeroIndex(int i) {
        return indices[i];
    }

    /** Digest of the {@code i}-th non-zero block. */
    public byte[] nonZeroDigest(int i) {
        return Arrays.copyOfRange(digests, i * 32, i * 32 + 32);
    }

    /** The digest of block {@code index}: stored, or that of zeros. */
    public byte[] blockDigest(long index) {
        if (index < 0 || index >= blockCount()) {
            throw new IllegalArgumentException("no block " + index + " in a disk of " + size + " bytes");
        }
        int i = Arrays.binarySearch(indices, index);
        return i >= 0 ? nonZeroDigest(i) : ZeroDigests.of(blockLength(index));
    }

    long blockLength(long index) {
        return Math.min(BLOCK_SIZE, size - index * BLOCK_SIZE);
    }

    /** Compares with {@code other} (for instance the source with the target read back). */
    public DigestComparison compare(DiskDigest other) {
        return DigestComparison.of(this, other);
    }

    boolean sameWhole(DiskDigest other) {
        return Arrays.equals(whole, other.whole);
    }

    boolean sameDigestAt(int i, DiskDigest other, int j) {
        return Arrays.equals(digests, i * 32, i * 32 + 32, other.digests, j * 32, j * 32 + 32);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DiskDigest d && size == d.size && Arrays.equals(whole, d.whole)
                && Arrays.equals(indices, d.indices) && Arrays.equals(digests, d.digests);
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
