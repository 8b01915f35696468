package org.smapimigrate.vhd;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.smapimigrate.chain.VhdChain;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.filesr.FileSr;

/**
 * Damaged images (random bytes changed, checksums optionally recomputed so parsing goes deeper)
 * must give an {@link ImageDefectException} or read normally: never another exception, never a hang.
 */
class HostileInputTest {
    private static Path dir;
    private static byte[] parent;
    private static byte[] child;

    @BeforeContainer
    static void build() throws IOException {
        dir = Files.createTempDirectory("hostile");
        Path p = dir.resolve("parent.vhd");
        Random r = new Random(1);
        try (VhdWriter w = VhdWriter.dynamic(p, 3L << 20).create()) {
            byte[] d = new byte[1 << 20];
            r.nextBytes(d);
            w.write(0, d);
            w.write((2L << 20) + 4096, new byte[512 * 3]);
        }
        Path c = dir.resolve("child.vhd");
        try (VhdWriter w = VhdWriter.differencing(c, p).size(5L << 20).create()) {
            byte[] d = new byte[512 * 9];
            r.nextBytes(d);
            w.write(512 * 7, d);
            w.write(4L << 20, d);
        }
        parent = Files.readAllBytes(p);
        child = Files.readAllBytes(c);
    }

    @AfterContainer
    static void clean() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        }
    }

    @Property(tries = 150)
    void damagedImagesFailCleanly(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int changes,
                                  @ForAll boolean fixChecksums, @ForAll boolean damageChild) throws Exception {
        Random r = new Random(seed);
        byte[] c = child.clone();
        byte[] p = parent.clone();
        byte[] victim = damageChild ? c : p;
        for (int i = 0; i < changes; i++) {
            // Mostly the metadata (footers, header, BAT, batmap, locators, bitmaps), sometimes anywhere.
            int at = r.nextInt(4) == 0 ? r.nextInt(victim.length)
                    : r.nextBoolean() ? r.nextInt(Math.min(victim.length, 8192)) : victim.length - 1 - r.nextInt(512);
            victim[at] = (byte) (r.nextInt(4) == 0 ? 0xFF : r.nextInt(256));
        }
        if (r.nextInt(6) == 0) {
            victim = java.util.Arrays.copyOf(victim, r.nextInt(victim.length));
            if (damageChild) {
                c = victim;
            } else {
                p = victim;
            }
        }
        if (fixChecksums) {
            fixChecksums(damageChild ? c : p);
        }
        Path sub = Files.createTempDirectory(dir, "case");
        Files.write(sub.resolve("parent.vhd"), p);
        Files.write(sub.resolve("child.vhd"), c);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (VhdChain chain = FileSr.openVhdFile(sub.resolve("child.vhd"))) {
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(chain.size(), 8 << 20));
                chain.read(b, 0);
                chain.extents(0, chain.size());
            } catch (ImageDefectException expected) {
                // a clear, typed refusal is the right outcome
            }
        });
    }

    /** Recomputes the footer checksums (both copies) and the dynamic header checksum. */
    static void fixChecksums(byte[] f) {
        if (f.length < 1536) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(f);
        b.putInt(64, VhdChecksum.compute(b, 0, 512, 64));
        b.putInt(512 + 36, VhdChecksum.compute(b, 512, 1024, 36));
        int end = f.length - 512;
        b.putInt(end + 64, VhdChecksum.compute(b, end, 512, 64));
    }
}
