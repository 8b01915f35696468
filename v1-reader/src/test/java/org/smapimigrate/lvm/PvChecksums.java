package org.smapimigrate.lvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Recomputes, in place, every LVM2 checksum of a PV head: the label CRC, the text CRC in each
 * metadata area's first raw_locn (wrapped text included) and the metadata-area header CRC. A
 * fuzzer mutating a PV head otherwise meets a CRC mismatch at nearly every mutation and never
 * reaches the parsing behind it. Tolerates any bytes: what does not fit is left alone.
 */
final class PvChecksums {
    private static final int SECTOR = 512;

    private PvChecksums() {
    }

    static void repair(byte[] pv) {
        ByteBuffer le = ByteBuffer.wrap(pv).order(ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < 4 && (s + 1) * SECTOR <= pv.length; s++) {
            int base = s * SECTOR;
            if (!new String(pv, base, 8, java.nio.charset.StandardCharsets.US_ASCII).equals(PvLabel.LABEL_ID)) {
                continue;
            }
            long header = Integer.toUnsignedLong(le.getInt(base + 20));
            if (header >= 32 && header <= SECTOR - 40) {
                repairAreas(pv, le, base + (int) header + 40, base + SECTOR);
            }
            le.putInt(base + 16, LvmCrc.of(pv, base + 20, SECTOR - 20));
            return;
        }
    }

    /** Walks the data-area list, then repairs each metadata area of the second list. */
    private static void repairAreas(byte[] pv, ByteBuffer le, int at, int end) {
        while (at + 16 <= end && le.getLong(at) != 0) {
            at += 16;
        }
        at += 16;
        while (at + 16 <= end && le.getLong(at) != 0) {
            repairArea(pv, le, le.getLong(at), le.getLong(at + 8));
            at += 16;
        }
    }

    private static void repairArea(byte[] pv, ByteBuffer le, long mda, long size) {
        if (mda < 0 || mda > pv.length - SECTOR || size < SECTOR) {
            return;
        }
        int h = (int) mda;
        long offset = le.getLong(h + 40);
        long length = le.getLong(h + 48);
        if (offset >= SECTOR && offset < size && length > 0 && length <= size - SECTOR) {
            long first = Math.min(length, size - offset);
            if (mda + offset + first <= pv.length && mda + SECTOR + (length - first) <= pv.length) {
                int crc = LvmCrc.update(LvmCrc.INITIAL, pv, (int) (mda + offset), (int) first);
                crc = LvmCrc.update(crc, pv, h + SECTOR, (int) (length - first));
                le.putInt(h + 56, crc);
            }
        }
        le.putInt(h, LvmCrc.of(pv, h + 4, SECTOR - 4));
    }
}
