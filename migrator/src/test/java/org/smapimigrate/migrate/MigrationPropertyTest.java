package org.smapimigrate.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.smapimigrate.plugin.Volume;

/**
 * Random sparse disks of odd sizes, migrated into the bundled SR: the volume read back through
 * its datapath holds exactly the source's bytes (plain SHA-256 of both), whatever the mix of
 * holes, zero-filled data and data, and whether the size is a multiple of a sector or not.
 */
class MigrationPropertyTest {

    @Property(tries = 8)
    void volumeReadsBackAsTheSource(@ForAll @IntRange(min = 1, max = 11 << 20) int size,
                                    @ForAll boolean sectorAligned, @ForAll long seed) throws Exception {
        long diskSize = sectorAligned ? Math.max(512, size / 512 * 512L) : size;
        Path dir = Files.createTempDirectory("migration-property");
        try {
            String vdi = "00000000-0000-4000-8000-00000000000" + (seed & 7);
            Path raw = Files.createDirectories(dir.resolve("v1")).resolve(vdi + ".raw");
            writeRandomSparse(raw, diskSize, new Random(seed));
            String want = MigrationFixtures.sha256(raw);
            RawFilesRepository source = new RawFilesRepository(raw.getParent(), null);
            EngineRun r = EngineRun.migrate(dir.resolve("v3"), source, vdi, dir.resolve("state"));
            TargetSr target = TargetSr.bundled(MigrationFixtures.bundledRoot(), dir.resolve("v3"));
            Volume v = target.plugin().volumeStat(target.sr(), r.volumeKey());
            assertEquals(diskSize, v.virtualSize());
            assertEquals(want, VdiRunTest.sha256ThroughDatapath(target, r.volumeKey()));
            assertEquals(want, MigrationFixtures.sha256(raw), "source untouched");
        } finally {
            deleteTree(dir);
        }
    }

    /** Runs of holes, explicit zeros and random bytes, of random lengths (some crossing 2 MiB blocks). */
    static void writeRandomSparse(Path file, long size, Random r) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
            for (long pos = 0; pos < size; ) {
                int len = (int) Math.min(size - pos, 1 + r.nextInt(r.nextBoolean() ? 4096 : 3 << 20));
                switch (r.nextInt(3)) {
                    case 0 -> { } // hole
                    case 1 -> {
                        f.seek(pos);
                        f.write(new byte[len]); // allocated zeros
                    }
                    default -> {
                        byte[] b = new byte[len];
                        r.nextBytes(b);
                        f.seek(pos);
                        f.write(b);
                    }
                }
                pos += len;
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
