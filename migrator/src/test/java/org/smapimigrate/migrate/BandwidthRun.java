package org.smapimigrate.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.smapimigrate.batch.RateLimitedDisk;
import org.smapimigrate.batch.TokenBucket;
import org.smapimigrate.bench.ExternalTool;
import org.smapimigrate.bench.SparseInput;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.execute.JournalEntry;
import org.smapimigrate.execute.RunEvents;
import org.smapimigrate.execute.RunSummary;
import org.smapimigrate.execute.SourceLimit;
import org.smapimigrate.execute.StateDirectory;
import org.smapimigrate.execute.VdiRun;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.plan.CopyExtents;
import org.smapimigrate.plan.Step;
import org.smapimigrate.verify.ManifestFile;

/**
 * A verified migrate of one fully allocated dynamic VHD (random data, made by qemu-img) through
 * the one engine with a bandwidth limit. The copy reads every byte of the disk from the source
 * once (OnePassTest), so its source reads should span size / rate (the token bucket starts full,
 * a tenth of a second of traffic, hence a little less). Two times are taken: the span of the
 * source reads (from the first read's call to the last read's return, seen by a disk wrapped
 * around the engine's limited one), which is what the limit governs, and the copy step's wall
 * time from the engine's events, which adds the step's fixed costs (datapath attach, the
 * target's fsync).
 */
final class BandwidthRun {
    private static final String VDI = "0b0b0b0b-1111-4222-8333-444444444444";

    private BandwidthRun() {
    }

    /** Seconds: the source reads' span and the copy step's wall time; bytes read from the source. */
    record Timing(double readSeconds, double stepSeconds, long bytesRead) {
    }

    /** A source disk that notes the first read's start and the last read's end. */
    static final class TimedDisk implements VirtualDisk {
        final VirtualDisk inner;
        final AtomicLong first;
        final AtomicLong last;
        final AtomicLong bytes;

        TimedDisk(VirtualDisk inner, AtomicLong first, AtomicLong last, AtomicLong bytes) {
            this.inner = inner;
            this.first = first;
            this.last = last;
            this.bytes = bytes;
        }

        @Override public long size() { return inner.size(); }
        @Override public List<Extent> extents(long o, long l) throws IOException { return inner.extents(o, l); }
        @Override public String describe() { return inner.describe(); }
        @Override public void close() throws IOException { inner.close(); }

        @Override
        public void read(ByteBuffer dst, long offset) throws IOException {
            first.compareAndSet(0, System.nanoTime());
            int n = dst.remaining();
            inner.read(dst, offset);
            bytes.addAndGet(n);
            last.accumulateAndGet(System.nanoTime(), Math::max);
        }
    }

    /** Migrates with the limit, checks the volume is exact, and times it. */
    static Timing copy(Path tmp, long size, long rate) throws Exception {
        Path qemuImg = ExternalTool.require("qemu-img", "qemu-utils");
        Path raw = tmp.resolve("disk.raw");
        assertEquals(size, SparseInput.writeRaw(raw, size, 100, 11), "every block holds data");
        Path srDir = Files.createDirectories(tmp.resolve("v1"));
        SparseInput.toDynamicVhd(qemuImg, raw, srDir.resolve(VDI + ".vhd"));
        Files.delete(raw); // only the VHD is needed now; keep the disk's footprint small
        long[] copy = new long[2];
        RunEvents timing = new RunEvents() {
            @Override
            public void stepStarted(Step step, int index, int steps) {
                if (step instanceof CopyExtents) {
                    copy[0] = System.nanoTime();
                }
            }

            @Override
            public void stepDone(Step step, JournalEntry entry) {
                if (step instanceof CopyExtents) {
                    copy[1] = System.nanoTime();
                }
            }
        };
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        SourceLimit limited = RateLimitedDisk.through(TokenBucket.ofRate(rate));
        RunSummary s;
        try (FileSr sr = FileSr.open(srDir)) {
            s = VdiRun.migrate(sr, List.of(sr.inventory().path()), List.of(VDI),
                    EngineRun.bundledTarget(MigrationFixtures.bundledRootPath(), tmp.resolve("v3")),
                    Duration.ofSeconds(60), new StateDirectory(tmp.resolve("state")), timing, Set.of(), 1,
                    disk -> new TimedDisk(limited.apply(disk), first, last, bytes));
        }
        assertTrue(ManifestFile.read(Path.of(s.manifests().get(0))).verification().matches(), "verified");
        assertTrue(copy[0] != 0 && copy[1] != 0, "the run copied");
        return new Timing((last.get() - first.get()) / 1e9, (copy[1] - copy[0]) / 1e9, bytes.get());
    }
}
