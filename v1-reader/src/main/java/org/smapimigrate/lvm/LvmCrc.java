package org.smapimigrate.lvm;

/**
 * The CRC LVM2 puts on its label, metadata-area header and metadata text (lvm2
 * {@code lib/misc/crc.c}): reflected CRC-32, polynomial 0xEDB88320, but seeded with
 * {@link #INITIAL} and without the final XOR, so {@link java.util.zip.CRC32} cannot compute it.
 */
public final class LvmCrc {
    /** lvm2 {@code INITIAL_CRC}. */
    public static final int INITIAL = 0xF597A6CF;

    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0xEDB88320 : c >>> 1;
            }
            TABLE[i] = c;
        }
    }

    private LvmCrc() {
    }

    /** Continues {@code crc} over {@code b[off, off + len)}; start a fresh CRC with {@link #INITIAL}. */
    public static int update(int crc, byte[] b, int off, int len) {
        int c = crc;
        for (int i = off; i < off + len; i++) {
            c = TABLE[(c ^ b[i]) & 0xFF] ^ (c >>> 8);
        }
        return c;
    }

    /** The CRC of {@code b[off, off + len)} from {@link #INITIAL}. */
    public static int of(byte[] b, int off, int len) {
        return update(INITIAL, b, off, len);
    }
}
