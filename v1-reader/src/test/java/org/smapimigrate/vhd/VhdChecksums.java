package org.smapimigrate.vhd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Recomputes, in place, the checksums of a VHD's footer (at the end and its copy at offset 0)
 * and of the dynamic header the footer points to. A fuzzer mutating a VHD otherwise meets a
 * checksum mismatch at nearly every mutation of these structures and never reaches the parsing
 * behind them. Tolerates any bytes: what does not fit is left alone.
 */
final class VhdChecksums {
    private VhdChecksums() {
    }

    static void repair(byte[] vhd) {
        ByteBuffer be = ByteBuffer.wrap(vhd);
        int end = vhd.length - VhdFooter.SIZE;
        if (end >= 0) {
            repairFooter(be, end);
            repairFooter(be, 0);
            if (is(vhd, end, "conectix")) {
                long header = be.getLong(end + VhdFooter.OFF_DATA_OFFSET);
                if (header >= 0 && header <= vhd.length - DynamicHeader.SIZE && is(vhd, (int) header, "cxsparse")) {
                    int at = (int) header;
                    be.putInt(at + DynamicHeader.OFF_CHECKSUM,
                            VhdChecksum.compute(be, at, DynamicHeader.SIZE, DynamicHeader.OFF_CHECKSUM));
                }
            }
        }
    }

    private static void repairFooter(ByteBuffer be, int at) {
        if (is(be.array(), at, "conectix")) {
            be.putInt(at + VhdFooter.OFF_CHECKSUM, VhdChecksum.compute(be, at, VhdFooter.SIZE, VhdFooter.OFF_CHECKSUM));
        }
    }

    private static boolean is(byte[] b, int at, String cookie) {
        return at >= 0 && at + 8 <= b.length && new String(b, at, 8, StandardCharsets.ISO_8859_1).equals(cookie);
    }
}
