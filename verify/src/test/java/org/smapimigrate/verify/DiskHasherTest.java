package org.smapimigrate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.RawFileDisk;

class DiskHasherTest {
    @TempDir
    Path tmp;

    @Test
    void corpusRawVdiDigestMatchesTheModelOfItsBytes() throws Exception {
        Path raw = Path.of(System.getProperty("smapi.corpus"),
                "file-sr/b0fca227-5603-4f8a-b1be-036360633f13/db391a5a-ed94-4fd3-b178-6fe9c35fb3a6.raw");
        byte[] bytes = Files.readAllBytes(raw);
        // The bytes are the ones the corpus manifest vouches for.
        assertEquals("429ff1de3fd9473070477a0da7a56a794cb2e66e062eda8e69dd6780b9ffbaa3",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        try (RawFileDisk disk = RawFileDisk.open(raw)) {
            assertEquals(new DigestModel(bytes).whole, new DiskHasher().digest(disk).whole());
        }
    }

    @Test
    void sparseFileWithDataHereAndThere() throws Exception {
        Path f = tmp.resolve("sparse.raw");
        long size = (40L << 20) + 4096;
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(size);
            raf.seek(3 << 20);
            raf.write("hello".getBytes());
            raf.seek(size - 1);
            raf.write(7);
        }
        DiskDigest d;
        try (RawFileDisk disk = RawFileDisk.open(f)) {
            d = new DiskHasher().digest(disk);
        }
        assertEquals(new DigestModel(Files.readAllBytes(f)).whole, d.whole());
        assertEquals(2, d.nonZeroBlocks());
    }
}
