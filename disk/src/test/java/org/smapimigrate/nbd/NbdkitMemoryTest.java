package org.smapimigrate.nbd;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Writes and reads against nbdkit's memory plugin; nbdcopy (libnbd) reads back what was written. */
@Timeout(120)
class NbdkitMemoryTest {
    private static final int SIZE = 8 << 20;

    @TempDir
    Path dir;

    @Test
    void writesThroughSinkAreWhatNbdcopyReadsBack() throws Exception {
        byte[] expected = new byte[SIZE];
        Random random = new Random(1);
        try (NbdServerProcess server = NbdServerProcess.nbdkit(dir, "memory", Integer.toString(SIZE))) {
            try (NbdSink sink = NbdSink.open(server.uri(), SIZE)) {
                assertEquals(SIZE, sink.size());
                assertTrue(sink.export().structuredReplies(), "nbdkit offers structured replies");
                // Data in several shapes: a big run crossing many requests, small runs, the last byte.
                writeRandom(sink, expected, random, 0, 3 << 20);
                writeRandom(sink, expected, random, (4 << 20) + 512, 4096);
                writeRandom(sink, expected, random, SIZE - 512, 512);
                // Zero part of what was written: must read back as zeros.
                sink.writeZeroes(1 << 20, 1 << 20);
                Arrays.fill(expected, 1 << 20, 2 << 20, (byte) 0);
            }
            Path out = dir.resolve("out.raw");
            ThirdPartyTool.NBDCOPY.runOk(server.uri(), out.toString());
            assertArrayEquals(expected, Files.readAllBytes(out), "nbdcopy's copy of the export");

            try (NbdDisk disk = NbdDisk.open(server.uri())) {
                ByteBuffer all = ByteBuffer.allocate(SIZE);
                disk.read(all, 0);
                assertFalse(all.hasRemaining());
                assertArrayEquals(expected, all.array(), "read back through NbdDisk");
            }
        }
    }

    private static void writeRandom(NbdSink sink, byte[] model, Random random, int offset, int length)
            throws Exception {
        byte[] data = new byte[length];
        random.nextBytes(data);
        System.arraycopy(data, 0, model, offset, length);
        ByteBuffer src = ByteBuffer.wrap(data);
        sink.write(src, offset);
        assertFalse(src.hasRemaining(), "write consumes the buffer");
    }
}
