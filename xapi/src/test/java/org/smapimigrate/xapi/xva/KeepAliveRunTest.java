package org.smapimigrate.xapi.xva;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long stall on xapi's raw export path: one empty keep-alive member every 5 s of nothing sent,
 * each under the next chunk number, the data then under the number after them (xva-format.md
 * section 2, "Zero-length keep-alive members"; their XXH64 is EF46DB3751D8E999, section 4).
 * 100,000 of them in a row, about 39 hours of stall, must read as the disk, whatever the stack
 * depth. The archive (150 MB of
 * headers) is written to a file, not held in memory.
 */
class KeepAliveRunTest {
    @TempDir
    Path tmp;

    private static final int KEEP_ALIVES = 100_000;

    @Test
    void aHundredThousandKeepAliveMembersInARowReadBackExactly() throws Exception {
        byte[] disk = new byte[2 << 20];
        new Random(7).nextBytes(disk);
        byte[] xml = new XvaWriter().disk(XvaWriter.Disk.of("Ref:12", XvaArchiveTest.U1, "r", disk, "0")).ovaXml();
        Path xva = tmp.resolve("stall.xva");
        try (OutputStream o = new java.io.BufferedOutputStream(Files.newOutputStream(xva), 1 << 20)) {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(o, 512);
            member(tar, "ova.xml", xml);
            chunk(tar, "Ref:12/00000000", Arrays.copyOfRange(disk, 0, 1 << 20));
            for (int n = 1; n <= KEEP_ALIVES; n++) {
                chunk(tar, String.format("Ref:12/%08d", n), new byte[0]);
            }
            chunk(tar, String.format("Ref:12/%08d", KEEP_ALIVES + 1), Arrays.copyOfRange(disk, 1 << 20, 2 << 20));
            tar.finish();
        }
        Map<String, byte[]> read = XvaReading.readAll(xva);
        assertEquals(1, read.size());
        assertArrayEquals(disk, read.get("Ref:12"));
    }

    private static void chunk(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        member(tar, name, data);
        member(tar, name + ".xxhash", XxHash64.hex(data, 0, data.length).getBytes(StandardCharsets.US_ASCII));
    }

    private static void member(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }
}
