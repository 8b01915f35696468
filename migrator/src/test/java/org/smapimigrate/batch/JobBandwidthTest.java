package org.smapimigrate.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.bench.ExternalTool;
import org.smapimigrate.bench.SparseInput;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.execute.RunEvents;
import org.smapimigrate.execute.SourceLimit;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.migrate.BundledPluginRoot;
import org.smapimigrate.plan.PlanTarget;
import org.smapimigrate.testing.Corpus;

/**
 * A job's {@code bandwidth:} is one token bucket for all the job's volumes in the run, not one per
 * volume. Two fully allocated 32 MiB VHDs (random data, made by qemu-img) in a file SR, one job
 * with {@code bandwidth: 8MiB/s} and {@code concurrency: 2}, run by BatchRun through the real
 * engine (EngineMigration, the bundled SMAPIv3 plugin). Every source read the engine makes is
 * timed behind the job's limit ({@link JobBandwidth}, the engine's SourceLimit hook that
 * 'migrate --bandwidth' uses too): while both volumes copy at once, their reads together run at
 * 8 MiB/s within 10% (one bucket per volume would show twice that), and the 64 MiB take
 * 64/8 = 8 s less the bucket's first burst (a tenth of a second of traffic) within 10%. The volumes
 * must overlap for at least 3 s, or the test says they did not run together.
 */
class JobBandwidthTest {
    private static final long SIZE = 32L << 20;
    private static final long RATE = 8L << 20;
    private static final String[] VDIS = {"1a1a1a1a-1111-4222-8333-444444444444",
        "2b2b2b2b-1111-4222-8333-444444444444"};

    @TempDir
    Path dir;

    /** Read completions of one opened source disk: nanoTime and bytes. */
    static final class Reads {
        final List<long[]> list = new ArrayList<>();

        synchronized void add(long at, long bytes) {
            list.add(new long[] {at, bytes});
        }

        long first() {
            return list.get(0)[0];
        }

        long last() {
            return list.get(list.size() - 1)[0];
        }

        long bytes() {
            return list.stream().mapToLong(r -> r[1]).sum();
        }
    }

    /** A source disk that notes when each read completes. */
    record TimedDisk(VirtualDisk inner, Reads reads) implements VirtualDisk {
        @Override public long size() { return inner.size(); }
        @Override public List<Extent> extents(long o, long l) throws IOException { return inner.extents(o, l); }
        @Override public String describe() { return inner.describe(); }
        @Override public void close() throws IOException { inner.close(); }

        @Override
        public void read(ByteBuffer dst, long offset) throws IOException {
            int n = dst.remaining();
            inner.read(dst, offset);
            reads.add(System.nanoTime(), n);
        }
    }

    @Test
    void theVolumesOfAJobShareOneBucket() throws Exception {
        Path qemuImg = ExternalTool.require("qemu-img", "qemu-utils");
        Path sr = Files.createDirectories(dir.resolve("v1"));
        for (int i = 0; i < VDIS.length; i++) {
            Path raw = dir.resolve("d" + i + ".raw");
            assertEquals(SIZE, SparseInput.writeRaw(raw, SIZE, 100, 40 + i), "every block holds data");
            SparseInput.toDynamicVhd(qemuImg, raw, sr.resolve(VDIS[i] + ".vhd"));
            Files.delete(raw);
        }
        Map<String, String> before = Map.of(VDIS[0], Corpus.sha256(sr.resolve(VDIS[0] + ".vhd")),
                VDIS[1], Corpus.sha256(sr.resolve(VDIS[1] + ".vhd")));
        Job job = new Job("limited", List.of(sr), List.of(), dir.resolve("v3"), null, Map.of(), null, Optional.empty(),
                OptionalLong.of(RATE), 2, 0);
        Path v3 = dir.resolve("v3").toAbsolutePath();
        PlanTarget target = new PlanTarget(BundledPluginRoot.find().toString(), BundledPluginRoot.VOLUME_PLUGIN,
                Map.of("path", v3.toString()), v3.toString());
        List<Reads> disks = new ArrayList<>();
        JobBandwidth limits = new JobBandwidth();
        java.util.function.Function<Job, SourceLimit> timed = j -> disk -> {
            Reads r = new Reads();
            synchronized (disks) {
                disks.add(r);
            }
            return new TimedDisk(limits.of(j).apply(disk), r);
        };
        BatchRun.Result result;
        try (HostSources sources = new HostSources(null, FileSr::open);
             Claims claims = Claims.of(dir.resolve("state"), "h")) {
            EngineMigration engine = new EngineMigration(sources, j -> target, Duration.ofSeconds(60), RunEvents.NONE,
                    timed);
            List<BatchRun.Volume> volumes = JobVolumes.list(job, sources).runList();
            assertEquals(2, volumes.size(), volumes.toString());
            result = new BatchRun(dir.resolve("state"), Clock.systemDefaultZone(), d -> { }, Duration.ZERO, engine,
                    s -> { }, claims).run(List.of(job), Map.of("limited", volumes));
        }
        assertEquals(2, result.done(), result.failures().toString());

        List<Reads> copies = disks.stream().filter(r -> r.bytes() >= SIZE).toList();
        assertEquals(2, copies.size(), "one full read of each source");
        Reads a = copies.get(0);
        Reads b = copies.get(1);
        long from = Math.max(a.first(), b.first());
        long to = Math.min(a.last(), b.last());
        assertTrue(to - from >= 3_000_000_000L, "the two volumes copied together for "
                + (to - from) / 1e9 + " s only; they did not run at once");
        // Both volumes' reads that completed within the overlap, from its first completion on.
        List<long[]> inside = new ArrayList<>();
        for (Reads r : copies) {
            r.list.stream().filter(x -> x[0] >= from && x[0] <= to).forEach(inside::add);
        }
        inside.sort((x, y) -> Long.compare(x[0], y[0]));
        long bytes = inside.stream().skip(1).mapToLong(x -> x[1]).sum();
        double seconds = (inside.get(inside.size() - 1)[0] - inside.get(0)[0]) / 1e9;
        double together = bytes / seconds / (1 << 20);
        long start = Math.min(a.first(), b.first());
        long end = Math.max(a.last(), b.last());
        double all = (end - start) / 1e9;
        double expected = (2.0 * SIZE - RATE / 10.0) / RATE;
        System.out.printf("JobBandwidthTest: two volumes at once for %.2f s read %.2f MiB/s together (limit 8 MiB/s),"
                + " 64 MiB in %.2f s (expected %.2f s)%n", (to - from) / 1e9, together, all, expected);
        assertTrue(together >= 8 * 0.9 && together <= 8 * 1.1,
                "while both copied, they read " + together + " MiB/s together, not 8 within 10%");
        assertTrue(all >= expected * 0.9 && all <= expected * 1.1,
                "64 MiB took " + all + " s, not " + expected + " s within 10%");
        for (String vdi : VDIS) {
            assertEquals(before.get(vdi), Corpus.sha256(sr.resolve(vdi + ".vhd")), "a run wrote to the source");
        }
    }
}
