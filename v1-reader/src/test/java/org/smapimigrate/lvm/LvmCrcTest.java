package org.smapimigrate.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Test vectors of lvm2-ondisk.md §5 (computed there with Python's zlib). */
class LvmCrcTest {
    private static int crc(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return LvmCrc.of(b, 0, b.length);
    }

    @Test
    void matchesTheDocumentedVectors() {
        assertEquals(0xF597A6CF, crc(""));
        assertEquals(0x319B1949, crc("a"));
        assertEquals(0x34FF1083, crc("LVM2"));
        assertEquals(0x4991CF02, crc("123456789"));
    }

    @Test
    void continuingAcrossPartsEqualsOneRun() {
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x4991CF02, LvmCrc.update(LvmCrc.of(b, 0, 4), b, 4, 5));
    }
}
