package org.smapimigrate.vhd;

import java.nio.ByteBuffer;

/**
 * The VHD checksum: one's complement of the sum of all bytes of a structure, the checksum field
 * itself counted as zero (spec "Hard Disk Footer Format", field Checksum).
 */
public final class VhdChecksum {
    private VhdChecksum() {
    }

    /**
     * Checksum of {@code length} bytes of {@code buf} from absolute index {@code from}, with the
     * four bytes at {@code from + checksumField} taken as zero.
     */
    public static int compute(ByteBuffer buf, int from, int length, int checksumField) {
        int sum = 0;
        for (int i = 0; i < length; i++) {
            if (i >= checksumField && i < checksumField + 4) {
                continue;
            }
            sum += buf.get(from + i) & 0xFF;
        }
        return ~sum;
    }

    /** Checksum of a whole structure held in {@code bytes}. */
    public static int compute(byte[] bytes, int checksumField) {
        return compute(ByteBuffer.wrap(bytes), 0, bytes.length, checksumField);
    }

    /**
     * The blktap batmap checksum ({@code vhd_checksum_batmap}): one's complement of the byte sum of
     * the map. Batmap version 1.1 summed signed chars, later versions unsigned ones.
     */
    public static int batmap(byte[] map, int length, boolean signedBytes) {
        int sum = 0;
        for (int i = 0; i < length; i++) {
            sum += signedBytes ? map[i] : map[i] & 0xFF;
        }
        return ~sum;
    }
}
