package org.smapimigrate.vhd;

/**
 * The sector bitmap in front of each block: bit {@code s} set means sector {@code s} of the block
 * is stored in this image. Bits are MSB first (sector s is byte {@code s>>3}, mask
 * {@code 0x80>>(s&7)}). Immutable; scans skip whole 0x00/0xFF bytes.
 */
public final class SectorBitmap {
    private final byte[] bits;
    private final int sectors;

    /** Wraps {@code bits} (not copied: callers hand over a fresh array) for {@code sectors} sectors. */
    public SectorBitmap(byte[] bits, int sectors) {
        if (bits.length * 8L < sectors) {
            throw new IllegalArgumentException("bitmap of " + bits.length + " bytes for " + sectors + " sectors");
        }
        this.bits = bits;
        this.sectors = sectors;
    }

    /** Bitmap bytes for a block of {@code sectorsPerBlock}, padded to whole sectors. */
    public static int sizeInBytes(int sectorsPerBlock) {
        return (int) VhdFormat.padToSector((sectorsPerBlock + 7) / 8);
    }

    public int sectors() {
        return sectors;
    }

    public boolean isSet(int sector) {
        return (bits[sector >>> 3] & (0x80 >>> (sector & 7))) != 0;
    }

    /**
     * The first sector in {@code [from, to)} whose bit differs from {@code isSet(from)}, or
     * {@code to}: the end of the run starting at {@code from}.
     */
    public int runEnd(int from, int to) {
        boolean value = isSet(from);
        int s = from + 1;
        while (s < to && (s & 7) != 0) {
            if (isSet(s) != value) {
                return s;
            }
            s++;
        }
        byte whole = value ? (byte) 0xFF : 0;
        while (s + 8 <= to && bits[s >>> 3] == whole) {
            s += 8;
        }
        while (s < to) {
            if (isSet(s) != value) {
                return s;
            }
            s++;
        }
        return to;
    }

    /** True when every sector in {@code [from, to)} is set. */
    public boolean allSet(int from, int to) {
        return from >= to || (isSet(from) && runEnd(from, to) == to);
    }

    /** A copy of the bytes. */
    public byte[] toBytes() {
        return bits.clone();
    }
}
