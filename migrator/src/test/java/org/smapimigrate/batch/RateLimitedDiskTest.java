package org.smapimigrate.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.VirtualDisk;

class RateLimitedDiskTest {
    @TempDir
    Path dir;

    /** A plain file as a disk, independent of our readers. */
    private record FileDisk(byte[] data) implements VirtualDisk {
        public long size() {
            return data.length;
        }

        public void read(ByteBuffer dst, long offset) {
            dst.put(data, (int) offset, dst.remaining());
        }

        public List<Extent> extents(long offset, long length) {
            throw new UnsupportedOperationException();
        }

        public String describe() {
            return "bytes";
        }

        public void close() {
        }
    }

    @Test
    void readsTheSameBytesAtTheBucketsRate() throws IOException {
        byte[] data = new byte[8 << 20];
        new java.util.Random(7).nextBytes(data);
        Files.write(dir.resolve("d"), data);
        long[] now = {0};
        TokenBucket bucket = new TokenBucket(4L << 20, 1 << 20, () -> now[0], n -> now[0] += n);
        ByteBuffer out = ByteBuffer.allocate(data.length);
        try (VirtualDisk d = new RateLimitedDisk(new FileDisk(Files.readAllBytes(dir.resolve("d"))), bucket)) {
            for (long off = 0; off < data.length; off += 1 << 20) {
                d.read(out.slice((int) off, 1 << 20), off);
            }
        }
        assertArrayEquals(data, out.array());
        // 8 MiB at 4 MiB/s with a 1 MiB burst: 7/4 s of waiting on the fake clock
        assertEquals(7.0 / 4, now[0] / 1e9, 1e-6);
    }
}
