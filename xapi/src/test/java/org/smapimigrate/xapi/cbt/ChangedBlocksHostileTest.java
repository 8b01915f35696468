package org.smapimigrate.xapi.cbt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.smapimigrate.xapi.XapiProtocolException;

/**
 * Bitmaps no honest XAPI sends (xapi-integration.md section 4: about ceil(size/64 KiB) bits padded
 * to a byte, MSB first) are refused with one line naming the call, and never allocate more than
 * the disk's own bitmap. Hand examples (computed by hand, not by our decoder): "gA==" is 0x80,
 * block 0; "AQ==" is 0x01, block 7.
 */
class ChangedBlocksHostileTest {
    private static final long KIB64 = 65536;

    @Test
    void handExamples() throws Exception {
        ChangedBlocks b0 = ChangedBlocks.decode("gA==", 8 * KIB64, "t");
        assertEquals(1, b0.count());
        assertEquals(0, b0.start(0));
        assertEquals(KIB64, b0.end(0));
        ChangedBlocks b7 = ChangedBlocks.decode("AQ==", 8 * KIB64, "t");
        assertEquals(7 * KIB64, b7.start(0));
        assertEquals(8 * KIB64, b7.end(0));
        // 0xC0 0x01 on a 9.5-block disk... 16 blocks need 2 bytes: blocks 0,1 and 15, the last cut at the size.
        ChangedBlocks m = ChangedBlocks.decode(Base64.getEncoder().encodeToString(new byte[] {(byte) 0xC0, 0x01}),
                15 * KIB64 + 4096, "t");
        assertEquals(2, m.count());
        assertEquals(2 * KIB64, m.end(0));
        assertEquals(15 * KIB64, m.start(1));
        assertEquals(15 * KIB64 + 4096, m.end(1));
        assertTrue(ChangedBlocks.decode("AA==", 1, "t").isEmpty());
    }

    @Test
    void notBase64() {
        XapiProtocolException e = assertThrows(XapiProtocolException.class,
                () -> ChangedBlocks.decode("gA==\n", KIB64, "VDI.list_changed_blocks(a, b)"));
        assertTrue(e.getMessage().startsWith("VDI.list_changed_blocks(a, b): the bitmap is not valid base64"), e.getMessage());
        assertThrows(XapiProtocolException.class, () -> ChangedBlocks.decode("g*==", KIB64, "t"));
        assertThrows(XapiProtocolException.class, () -> ChangedBlocks.decode("gA=", KIB64, "t"));
        assertThrows(XapiProtocolException.class, () -> ChangedBlocks.decode(null, KIB64, "t"));
    }

    @Test
    void tooShortForTheDisk() {
        // 17 blocks need 3 bytes; 2 bytes would drop block 16's changes.
        XapiProtocolException e = assertThrows(XapiProtocolException.class,
                () -> ChangedBlocks.decode(Base64.getEncoder().encodeToString(new byte[2]), 17 * KIB64, "t"));
        assertTrue(e.getMessage().contains("has 2 bytes (16 blocks)") && e.getMessage().contains("17 blocks"),
                e.getMessage());
        assertThrows(XapiProtocolException.class, () -> ChangedBlocks.decode("", KIB64, "t"));
    }

    @Test
    void bitPastTheEnd() {
        // 3 blocks: bits 3..7 of byte 0 are padding and must be clear; 0x10 is bit 3.
        XapiProtocolException e = assertThrows(XapiProtocolException.class,
                () -> ChangedBlocks.decode(Base64.getEncoder().encodeToString(new byte[] {0x10}), 3 * KIB64, "t"));
        assertTrue(e.getMessage().contains("bit 3 (byte 0) is set"), e.getMessage());
        // A set bit in the tolerated slack is refused too.
        byte[] slack = new byte[10];
        slack[9] = 1;
        assertThrows(XapiProtocolException.class,
                () -> ChangedBlocks.decode(Base64.getEncoder().encodeToString(slack), 8 * KIB64, "t"));
    }

    @Test
    void zeroSlackIsToleratedButAHugeAnswerIsRefusedBeforeDecoding() throws Exception {
        assertFalse(ChangedBlocks.decode(Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, 0, 0, 0}),
                8 * KIB64, "t").isEmpty());
        // 1 GiB of 'A' for a 64 KiB disk: refused by its length alone (no 768 MiB allocation).
        String huge = "A".repeat(1 << 20);
        XapiProtocolException e = assertThrows(XapiProtocolException.class, () -> ChangedBlocks.decode(huge, KIB64, "t"));
        assertTrue(e.getMessage().contains("base64 characters, more than"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChangedBlocks.decode("gA==", 0, "t"));
    }
}
