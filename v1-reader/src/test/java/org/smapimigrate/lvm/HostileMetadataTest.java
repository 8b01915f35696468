package org.smapimigrate.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.Example;
import org.smapimigrate.disk.ImageDefectException;

/**
 * Damaged and hostile copies of the corpus PV: every outcome is either a VG that opens or an
 * {@link ImageDefectException}; never another exception, never a hang. Mutations that keep the
 * CRCs valid (recomputed after the change) reach the deeper parsers.
 */
class HostileMetadataTest {
    private static final int HEAD = PvHeadEditor.HEAD;
    private static final int LABEL = PvHeadEditor.LABEL;
    private static final int MDA = PvHeadEditor.MDA;
    private static final int TEXT = PvHeadEditor.TEXT;
    private static final int TEXT_SIZE = 4991;
    private static final long MDA_END = MDA + PvHeadEditor.MDA_SIZE;
    private static final long IMAGE_SIZE = PvHeadEditor.IMAGE_SIZE;

    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("smapi-lvm-hostile");
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    @Example
    void theUnmutatedHeadOpens() throws IOException {
        Path p = write(new PvHeadEditor().bytes, IMAGE_SIZE);
        try (OfflineVolumeGroup vg = OfflineVolumeGroup.open(List.of(p))) {
            assertEquals(44, vg.volumeGroup().seqno());
        }
    }

    @Property(tries = 150)
    void randomByteFlipsGiveDefectsNotCrashes(@ForAll long seed, @ForAll @IntRange(min = 1, max = 16) int flips)
            throws IOException {
        Random r = new Random(seed);
        byte[] b = new PvHeadEditor().bytes;
        // Half the flips land where the parsers look; the rest anywhere in the head.
        for (int i = 0; i < flips; i++) {
            int at = switch (r.nextInt(4)) {
                case 0 -> LABEL + r.nextInt(512);
                case 1 -> MDA + r.nextInt(512);
                default -> r.nextInt(HEAD);
            };
            b[at] ^= (byte) (1 + r.nextInt(255));
        }
        check(b, IMAGE_SIZE);
    }

    @Property(tries = 150)
    void hostilePvHeaderFieldsWithAValidLabelCrc(@ForAll long seed) throws IOException {
        Random r = new Random(seed);
        PvHeadEditor ed = new PvHeadEditor();
        for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
            int at = LABEL + 20 + r.nextInt(512 - 28);
            ed.le.putLong(at, hostileLong(r));
        }
        ed.fixLabelCrc();
        check(ed.bytes, IMAGE_SIZE);
    }

    @Property(tries = 200)
    void hostileMdaHeaderFieldsWithAValidChecksum(@ForAll long seed) throws IOException {
        Random r = new Random(seed);
        PvHeadEditor ed = new PvHeadEditor();
        ByteBuffer bb = ed.le;
        int[] fields = {MDA + 24, MDA + 32, MDA + 40, MDA + 48, MDA + 56, MDA + 64, MDA + 72};
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
            int at = fields[r.nextInt(fields.length)];
            if (at == MDA + 56) {
                bb.putInt(at, r.nextInt());
            } else if (at == MDA + 40 && r.nextBoolean()) {
                // Move the text so it wraps, or to near the ring's edges.
                bb.putLong(at, MDA_END - MDA - r.nextInt(8192));
            } else {
                bb.putLong(at, hostileLong(r));
            }
        }
        ed.fixMdaChecksum();
        check(ed.bytes, IMAGE_SIZE);
    }

    @Property(tries = 300)
    void hostileTextWithValidChecksums(@ForAll long seed) throws IOException {
        Random r = new Random(seed);
        PvHeadEditor ed = new PvHeadEditor();
        byte[] b = ed.bytes;
        String alphabet = "{}[]=,\"'#\\\n 0123456789-+.xyz\0";
        for (int i = 0, n = 1 + r.nextInt(6); i < n; i++) {
            int at = TEXT + r.nextInt(TEXT_SIZE - 1);
            if (r.nextBoolean()) {
                b[at] = (byte) alphabet.charAt(r.nextInt(alphabet.length()));
            } else {
                // Replace a number with a hostile one, keeping the length.
                byte[] num = Long.toString(hostileLong(r)).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(num, 0, b, at, Math.min(num.length, TEXT + TEXT_SIZE - 1 - at));
            }
        }
        ByteBuffer bb = ed.le;
        if (r.nextInt(4) == 0) {
            // Cut the text short.
            bb.putLong(MDA + 48, 1 + r.nextInt(TEXT_SIZE));
        }
        int size = (int) bb.getLong(MDA + 48);
        bb.putInt(MDA + 56, LvmCrc.of(b, TEXT, size));
        ed.fixMdaChecksum();
        check(b, r.nextBoolean() ? IMAGE_SIZE : MDA_END + r.nextInt(1 << 24));
    }

    @Property(tries = 100)
    void truncatedFiles(@ForAll long seed) throws IOException {
        Random r = new Random(seed);
        long[] sizes = {r.nextInt(2048), r.nextInt(HEAD), r.nextLong(MDA_END), MDA_END + r.nextLong(IMAGE_SIZE - MDA_END)};
        long size = sizes[r.nextInt(sizes.length)];
        check(new PvHeadEditor().bytes, size);
    }

    private static long hostileLong(Random r) {
        long[] edges = {0, 1, -1, 511, 512, 513, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, 4096, MDA_END,
            MDA_END - MDA, TEXT, IMAGE_SIZE, 1L << 40};
        return r.nextBoolean() ? edges[r.nextInt(edges.length)] : r.nextLong();
    }

    /** Opens the mutated PV, every LV of it, and reads each LV's first and last sector. */
    private static void check(byte[] b, long fileSize) {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Path p = write(b, fileSize);
            try (OfflineVolumeGroup vg = OfflineVolumeGroup.open(List.of(p))) {
                for (LogicalVolume lv : vg.volumeGroup().lvs()) {
                    try (LogicalVolumeDisk disk = vg.openLv(lv.name())) {
                        if (disk.size() >= 512) {
                            disk.read(ByteBuffer.allocate(512), 0);
                            disk.read(ByteBuffer.allocate(512), disk.size() - 512);
                        }
                    } catch (ImageDefectException expected) {
                        assertDefect(expected);
                    }
                }
            } catch (ImageDefectException expected) {
                assertDefect(expected);
            } finally {
                Files.delete(p);
            }
        });
    }

    private static void assertDefect(ImageDefectException e) {
        if (e.code() == null || e.code().isEmpty() || e.getMessage() == null) {
            fail("defect without code or message", e);
        }
    }

    private static Path write(byte[] b, long fileSize) throws IOException {
        Path p = Files.createTempFile(dir, "pv", ".img");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(b, 0, (int) Math.min(b.length, fileSize)), 0);
            ch.truncate(fileSize);
            if (ch.size() < fileSize) {
                ch.write(ByteBuffer.allocate(1), fileSize - 1);
            }
        }
        return p;
    }
}
