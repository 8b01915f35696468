package org.smapimigrate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.smapimigrate.disk.DiskCopy;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.disk.RawFileDisk;

/**
 * A read-back that skips the holes of the file (RawFileDisk.openSkippingHoles, which asks the
 * kernel with SEEK_DATA/SEEK_HOLE) gives the digest and the block checks of reading every byte,
 * and of the plain model on the bytes in memory, over random sparse layouts: data at random
 * offsets and lengths (sector and page unaligned), zeros written on purpose (allocated, but
 * zeros), holes left between. Runs on the file system of java.io.tmpdir (ext4 here).
 */
class SparseReadBackTest {

    /** Writes a random sparse file of {@code size} bytes; returns its bytes as the model. */
    static byte[] sparseFile(Path file, int size, long seed) throws IOException {
        Random r = new Random(seed);
        byte[] model = new byte[size];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(0);
            f.setLength(size);
            int writes = r.nextInt(12);
            for (int w = 0; w < writes && size > 0; w++) {
                int at = r.nextInt(size);
                int len = Math.min(size - at, 1 + r.nextInt(r.nextBoolean() ? 5000 : 3 << 20));
                byte[] b = new byte[len];
                if (r.nextInt(4) != 0) {
                    r.nextBytes(b); // else: zeros written on purpose
                }
                f.seek(at);
                f.write(b);
                System.arraycopy(b, 0, model, at, len);
            }
        }
        return model;
    }

    private static Path tmpFile() throws IOException {
        return Files.createTempFile("sparse-read-back", ".raw");
    }

    @Property(tries = 10)
    void skippingHolesReadsTheSameDisk(@ForAll @IntRange(min = 0, max = 7 << 20) int size, @ForAll long seed)
            throws Exception {
        Path file = tmpFile();
        try {
            byte[] model = sparseFile(file, size, seed);
            DiskDigest full;
            BlockChecks fullChecks;
            try (RawFileDisk d = RawFileDisk.open(file, size)) {
                full = new DiskHasher(DiskCopy.standard()).digest(d);
                fullChecks = BlockChecker.of(d, DiskCopy.standard());
            }
            try (RawFileDisk d = RawFileDisk.openSkippingHoles(file, size)) {
                DiskDigest skipping = new DiskHasher(DiskCopy.standard()).digest(d);
                // Split between two readers that do not look for zeros, as the verify step reads a file target.
                BlockChecks skippingChecks = BlockChecker.of(d,
                        List.of(new DiskCopy(1 << 20, 3, false), new DiskCopy(1 << 20, 3, false)));
                assertEquals(new DigestModel(model).whole, full.whole(), "full read against the model");
                assertTrue(full.compare(skipping).matches(), full.compare(skipping).describe());
                assertTrue(fullChecks.compare(skippingChecks).matches(), fullChecks.compare(skippingChecks).describe());
                // Every byte a hole stands for is zero in the model.
                for (Extent e : d.extents(0, size)) {
                    if (e.kind() != ExtentKind.DATA) {
                        for (int i = (int) e.offset(); i < e.end(); i++) {
                            if (model[i] != 0) {
                                throw new AssertionError("byte " + i + " is in a reported hole but holds " + model[i]);
                            }
                        }
                    }
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The holes are really found here, so the read-back of a mostly empty volume reads little. */
    @Test
    void holesAreFoundOnThisFileSystem() throws Exception {
        Path file = tmpFile();
        try {
            long size = 64L << 20;
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(size);
                f.seek(10L << 20);
                f.write(new byte[] {1, 2, 3});
                f.seek(40L << 20);
                f.write(new byte[1 << 20]);
            }
            try (RawFileDisk d = RawFileDisk.openSkippingHoles(file, size)) {
                List<Extent> ext = d.extents(0, size);
                assertNotNull(ext);
                long data = ext.stream().filter(e -> e.kind() == ExtentKind.DATA).mapToLong(Extent::length).sum();
                assertTrue(data > 0 && data <= (2L << 20), "python3 (SEEK_DATA) found " + data
                        + " bytes of data in a file holding about 1 MiB: " + ext
                        + " (install python3 if it is missing)");
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
