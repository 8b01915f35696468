package org.smapimigrate.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.bench.ExternalTool;
import org.smapimigrate.bench.SparseInput;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.StorageRepository;

/**
 * The one-pass property, counted rather than timed: a verified migrate of a dynamic VHD (made by
 * qemu-img) reads every allocated source sector exactly once (the copy hashes what it writes;
 * verify reads only the target), and the process reads the target back once.
 */
class OnePassTest {
    private static final String VDI = "0e0e0e0e-1111-4222-8333-444444444444";

    @TempDir
    Path tmp;

    /** A disk that counts, per 512-byte sector, how often it was read. */
    static final class CountingDisk implements VirtualDisk {
        final VirtualDisk inner;
        final AtomicIntegerArray reads;
        final AtomicLong bytes;

        CountingDisk(VirtualDisk inner, AtomicIntegerArray reads, AtomicLong bytes) {
            this.inner = inner;
            this.reads = reads;
            this.bytes = bytes;
        }

        @Override public long size() { return inner.size(); }
        @Override public List<Extent> extents(long o, long l) throws IOException { return inner.extents(o, l); }
        @Override public String describe() { return inner.describe(); }
        @Override public void close() throws IOException { inner.close(); }

        @Override
        public void read(ByteBuffer dst, long offset) throws IOException {
            int n = dst.remaining();
            inner.read(dst, offset);
            bytes.addAndGet(n);
            for (long s = offset / 512; s < (offset + n + 511) / 512; s++) {
                reads.incrementAndGet((int) s);
            }
        }
    }

    /** Every disk the engine opens from this SR counts into one array. */
    static final class CountingRepository implements StorageRepository {
        final FileSr sr;
        final AtomicIntegerArray reads;
        final AtomicLong bytes = new AtomicLong();

        CountingRepository(FileSr sr, long size) {
            this.sr = sr;
            this.reads = new AtomicIntegerArray((int) (size / 512));
        }

        @Override public SrInventory inventory() throws IOException { return sr.inventory(); }
        @Override public void close() throws IOException { sr.close(); }

        @Override
        public VirtualDisk openVdi(String uuid) throws IOException {
            return new CountingDisk(sr.openVdi(uuid), reads, bytes);
        }

        @Override
        public VirtualDisk openOwnSectors(String uuid) throws IOException {
            return new CountingDisk(sr.openOwnSectors(uuid), reads, bytes);
        }
    }

    private Path makeSource(long size) throws Exception {
        Path qemuImg = ExternalTool.require("qemu-img", "qemu-utils");
        Path raw = tmp.resolve("disk.raw");
        SparseInput.writeRaw(raw, size, 50, 42);
        Path srDir = Files.createDirectories(tmp.resolve("v1"));
        SparseInput.toDynamicVhd(qemuImg, raw, srDir.resolve(VDI + ".vhd"));
        return srDir;
    }

    private static long allocatedBytes(Path srDir) throws IOException {
        long allocated = 0;
        try (FileSr sr = FileSr.open(srDir); VirtualDisk d = sr.openVdi(VDI)) {
            for (Extent e : d.extents(0, d.size())) {
                if (e.kind() == ExtentKind.DATA) {
                    allocated += e.length();
                }
            }
        }
        return allocated;
    }

    @Test
    void everyAllocatedSourceSectorIsReadOnce() throws Exception {
        long size = 48L << 20;
        Path srDir = makeSource(size);
        Path vhd = srDir.resolve(VDI + ".vhd");
        String before = MigrationFixtures.sha256(vhd);
        long allocated = allocatedBytes(srDir);
        assertTrue(allocated > size / 4, "the test disk holds data: " + allocated);

        EngineRun r;
        CountingRepository counting;
        try (FileSr sr = FileSr.open(srDir)) {
            counting = new CountingRepository(sr, size);
            r = EngineRun.migrate(tmp.resolve("v3"), counting, VDI, tmp.resolve("state"));
        }

        assertTrue(r.manifest().verification().matches());
        assertEquals(MigrationFixtures.sha256(tmp.resolve("disk.raw")), VdiRunTest.sha256ThroughDatapath(
                TargetSr.bundled(MigrationFixtures.bundledRoot(), tmp.resolve("v3")), r.volumeKey()));
        assertEquals(before, MigrationFixtures.sha256(vhd), "the source is untouched");
        assertEquals(allocated, counting.bytes.get(), "source bytes read: the allocated bytes, once");
        for (int s = 0; s < counting.reads.length(); s++) {
            assertTrue(counting.reads.get(s) <= 1, "source sector " + s + " read " + counting.reads.get(s) + " times");
        }
    }

    /**
     * The whole process watched by strace: the bytes its read calls return per file. The VHD
     * file is read once (its allocated blocks, plus headers, BAT and sector bitmaps) and the
     * target volume once where it holds data (a sparse raw file: its holes are zeros by definition).
     */
    @Test
    void aMigrateProcessReadsTheSourceFileOnceAndTheTargetOnce() throws Exception {
        Path strace = Path.of("/usr/bin/strace");
        if (!Files.isExecutable(strace)) {
            fail("strace is needed to count the bytes the process reads: install the Debian package 'strace'");
        }
        long size = 48L << 20;
        Path srDir = makeSource(size);
        long allocated = allocatedBytes(srDir);
        Path log = tmp.resolve("strace.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path target = tmp.resolve("v3");
        Process p = new ProcessBuilder(strace.toString(), "-f", "-qq", "-y", "-e", "trace=read,pread64,readv,preadv",
                "-o", log.toString(), java, "-cp", System.getProperty("java.class.path"),
                "org.smapimigrate.cli.SmapiMigrate", "migrate", "--sr", srDir.toString(), "--vdi", VDI,
                "--target-sr", target.toString(), "--plugins", MigrationFixtures.bundledRootPath().toString(),
                "--state-dir", tmp.resolve("state").toString(), "-q")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the traced migrate finishes");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("out.txt")));

        Map<String, Long> read = StraceReads.bytesPerFile(log);
        String vhd = srDir.resolve(VDI + ".vhd").toRealPath().toString();
        long vhdRead = read.getOrDefault(vhd, 0L);
        long metadata = 1L << 20; // footer, header, BAT and a 512-byte bitmap per block: far less
        assertTrue(vhdRead >= allocated && vhdRead < allocated + metadata,
                "the VHD file gave " + vhdRead + " bytes; its data is " + allocated + " (one pass)");
        String targetDir = target.toRealPath() + "/";
        List<Map.Entry<String, Long>> volumes = read.entrySet().stream()
                .filter(e -> e.getKey().startsWith(targetDir) && e.getKey().endsWith(".raw")).toList();
        assertEquals(1, volumes.size(), "one volume read back: " + volumes);
        long held = dataBytes(Path.of(volumes.get(0).getKey()));
        assertTrue(held > 0 && held <= allocated, "the volume holds " + held + " bytes of data");
        assertEquals(held, volumes.get(0).getValue(), "the volume is read back once, where it holds data (its holes"
                + " read as zeros without reading)");
    }

    /** Bytes of data in a file as qemu-img map reports them (SEEK_DATA, not our code). */
    private static long dataBytes(Path file) throws Exception {
        Process p = new ProcessBuilder("qemu-img", "map", "-f", "raw", "--output=json", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "qemu-img map (Debian: qemu-utils): " + out);
        long sum = 0;
        for (var n : new com.fasterxml.jackson.databind.ObjectMapper().readTree(out)) {
            if (n.get("data").asBoolean()) {
                sum += n.get("length").asLong();
            }
        }
        return sum;
    }
}
