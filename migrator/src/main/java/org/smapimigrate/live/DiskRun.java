package org.smapimigrate.live;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.smapimigrate.disk.CopyStats;
import org.smapimigrate.disk.DiskCopy;
import org.smapimigrate.disk.DiskSink;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.migrate.MigrationException;

/**
 * One disk of a live run ({@link LivePasses}): its target volume, the frozen state its next delta
 * starts from, the states it made and has not released yet, its passes and its verification at
 * the switch-over. The VM's part (the stop, the repoint, the start, the journal file) is
 * {@link LivePasses}'; this class does what a pass does to one disk and journals it, each line
 * naming the disk ({@link PassEvent#disk}), so that one journal holds a VM's disks.
 */
final class DiskRun {
    final String disk;
    private final SourceController source;
    private final LivePasses.Targets targets;
    private final LivePasses.Listener listener;

    /** The run's journal while it is open ({@link LivePasses} sets it). */
    PassJournal journal;
    LiveTarget volume;
    String volumeKey;
    private boolean volumeFresh;
    /** The state the next delta starts from: the last pass's (a live pass's), kept until the switch-over. */
    FrozenState base;
    final List<FrozenState> unreleased = new ArrayList<>();
    final List<LivePass> passes = new ArrayList<>();
    String sourceDigest;
    String targetDigest;

    DiskRun(String disk, SourceController source, LivePasses.Targets targets, LivePasses.Listener listener) {
        this.disk = disk;
        this.source = source;
        this.targets = targets;
        this.listener = listener;
    }

    /** The number of the next pass (0 when none was copied since the last reset). */
    int nextNumber() {
        return passes.isEmpty() ? 0 : passes.get(passes.size() - 1).number() + 1;
    }

    /** The last pass copied, or null. */
    LivePass lastPass() {
        return passes.isEmpty() ? null : passes.get(passes.size() - 1);
    }

    /** Pass 0 when the disk has no base yet, else one delta pass. */
    void pass() throws IOException {
        if (base == null) {
            passZero();
        } else {
            delta();
        }
    }

    private void passZero() throws IOException {
        long t0 = System.nanoTime();
        FrozenState s = freeze(0, false);
        openVolume(s.size());
        long c0 = System.nanoTime();
        CopyStats stats;
        DiskCopy copy = DiskCopy.standard();
        try (VirtualDisk d = source.open(s); DiskSink sink = volume.openSink(volumeFresh);
             AutoCloseable bar = listener.copying(disk, 0, s.size(), copy::bytesDone)) {
            stats = copy.copy(d, sink, null);
            sink.flush();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
        volumeFresh = false;
        long c1 = System.nanoTime();
        // Every pass verified while the writer runs: the whole frozen state against the target.
        String digest = same(0, () -> {
            try (VirtualDisk d = source.open(s)) {
                return WholeDiskSha256.of(d, s.size());
            }
        }, () -> {
            try (VirtualDisk t = volume.openReader()) {
                return WholeDiskSha256.of(t, s.size());
            }
        });
        long end = System.nanoTime();
        copied(new LivePass(0, false, s.size(), 1, 512, stats.writtenBytes(), stats.readBytes(), secs(end - t0),
                secs(c1 - c0), digest));
        base = s;
        unreleased.remove(s);
    }

    private void delta() throws IOException {
        int number = nextNumber();
        long t0 = System.nanoTime();
        FrozenState next = freeze(number, false);
        openVolume(next.size());
        LivePass p = delta(number, false, next, t0);
        // Journaled as copied before the older state goes: a kill in between leaves the older one
        // unreleased (released by the next run), never the journal naming a released base.
        copied(p);
        FrozenState older = base;
        base = next;
        unreleased.remove(next);
        unreleased.add(older);
        release(older);
    }

    /** The switch-over's delta, from {@code quiet} (made by {@link #freeze} with {@code last}). */
    void finalDelta(FrozenState quiet, long t0) throws IOException {
        LivePass p = delta(nextNumber(), true, quiet, t0);
        unreleased.remove(quiet);
        copied(p);
    }

    private LivePass delta(int number, boolean last, FrozenState next, long t0) throws IOException {
        if (next.size() != base.size()) {
            throw new MigrationException("disk " + disk + " changed size during the live run (" + base.size() + " to "
                    + next.size() + " bytes): run with --abort and migrate it again");
        }
        ChangedRanges r = source.changedBetween(base, next);
        long c0 = System.nanoTime();
        RangeCopy.Stats s;
        AtomicLong done = new AtomicLong();
        try (VirtualDisk d = source.open(next); DiskSink sink = volume.openSink(false);
             AutoCloseable bar = listener.copying(disk, number, r.bytes(), done::get)) {
            s = RangeCopy.copy(d, sink, r, done);
            sink.flush();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
        long c1 = System.nanoTime();
        String digest = null;
        if (!last) {
            // Verified while the writer runs; the switch-over's delta is covered by the whole-disk check.
            digest = same(number, () -> {
                try (VirtualDisk d = source.open(next)) {
                    return WholeDiskSha256.ofRanges(d, r);
                }
            }, () -> {
                try (VirtualDisk t = volume.openReader()) {
                    return WholeDiskSha256.ofRanges(t, r);
                }
            });
        }
        long end = System.nanoTime();
        return new LivePass(number, last, r.bytes(), r.count(), r.granularity(), s.written(), s.read(),
                secs(end - t0), secs(c1 - c0), digest);
    }

    /** Something a pass hashes, on one side. */
    @FunctionalInterface
    private interface Hashing {
        String hash() throws IOException;
    }

    /**
     * Hashes the source side here and the target side on another thread at once; returns the
     * digest when both agree, else fails the pass.
     */
    private String same(int number, Hashing sourceSide, Hashing targetSide) throws IOException {
        CompletableFuture<String> target = CompletableFuture.supplyAsync(() -> {
            try {
                return targetSide.hash();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String src;
        String tgt;
        try {
            src = sourceSide.hash();
        } finally {
            try {
                tgt = target.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("verification interrupted");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause()
                        : new IOException("reading the target back failed: " + e.getCause(), e.getCause());
            }
        }
        if (!src.equals(tgt)) {
            throw new MigrationException("pass " + number + " does not verify: what it copied hashes " + src
                    + " on the source and " + tgt + " on target volume " + volumeKey);
        }
        return src;
    }

    /** Freezes the running disk, or ({@code last}) takes the quiet one; journaled at once. */
    FrozenState freeze(int number, boolean last) throws IOException {
        FrozenState s = last ? source.quiet(disk) : source.freeze(disk);
        unreleased.add(s);
        journal.append(PassEvent.frozen(number, last, s));
        return s;
    }

    private void copied(LivePass p) throws IOException {
        journal.append(PassEvent.copied(disk, p));
        passes.add(p);
        listener.pass(disk, p);
    }

    void openVolume(long size) throws IOException {
        if (volume != null) {
            return;
        }
        boolean created = volumeKey == null;
        volume = targets.open(disk, volumeKey, size);
        if (created) {
            volumeKey = volume.key();
            volumeFresh = true;
            journal.append(PassEvent.volume(disk, volumeKey));
            listener.note("target of " + disk + ": " + volume.describe());
        }
    }

    /**
     * The whole target against the whole quiet source, byte for byte ({@link QuietComparison}),
     * the source's SHA-256 taken in the same read: one hash instead of one per side while the
     * writer is stopped.
     */
    void verify(FrozenState quiet) throws IOException {
        listener.note("verifying the whole target of " + disk + " against the quiet source (byte comparison, SHA-256"
                + " of the source)");
        String digest;
        try (VirtualDisk s = source.open(quiet); VirtualDisk t = volume.openReader()) {
            digest = QuietComparison.compare(s, t, quiet.size(), volumeKey);
        } catch (QuietComparison.Differs e) {
            throw new MigrationException("verification failed: " + e.getMessage() + "; nothing was repointed", e);
        }
        sourceDigest = digest;
        targetDigest = digest; // byte-equal over the same range, so the same SHA-256
        journal.append(PassEvent.verified(disk, sourceDigest));
    }

    /** Marks the target volume complete and verified. */
    void markComplete() throws IOException {
        volume.markComplete(disk, sourceDigest);
    }

    /** Destroys the target volume of an aborted run, if one was made. */
    void destroyVolume() throws IOException {
        if (volumeKey == null) {
            return;
        }
        try {
            targets.open(disk, volumeKey, 1).destroy();
        } catch (IOException e) {
            listener.note("could not destroy target volume " + volumeKey + " of " + disk + ": " + e.getMessage());
            throw e;
        }
    }

    // --- clean-up -----------------------------------------------------------------------------

    /** Releases every temporary state but the base of the next delta, journaled or found by recover. */
    void cleanUp() throws IOException {
        Map<String, FrozenState> all = new LinkedHashMap<>();
        for (FrozenState s : unreleased) {
            all.put(s.id(), s);
        }
        for (FrozenState s : source.recover(disk)) {
            all.putIfAbsent(s.id(), s);
        }
        for (FrozenState s : all.values()) {
            if (base == null || !s.id().equals(base.id())) {
                release(s);
            }
        }
        unreleased.clear();
    }

    void releaseAll() throws IOException {
        cleanUp();
        if (base != null) {
            release(base);
            base = null;
        }
    }

    private void release(FrozenState s) throws IOException {
        source.release(s);
        unreleased.remove(s);
        if (!s.quiet()) {
            journal.append(PassEvent.released(s));
        }
    }

    void close() throws IOException {
        if (volume != null) {
            LiveTarget v = volume;
            volume = null;
            v.close();
        }
    }

    // --- the journal --------------------------------------------------------------------------

    /**
     * Rebuilds this disk's state from its lines since the last reset. {@code repointStarted}: the
     * VM's repoint began, so the switch-over's delta stays (it is part of what was repointed).
     */
    void replay(List<PassEvent> mine, boolean repointStarted) {
        Map<Integer, FrozenState> frozen = new LinkedHashMap<>();
        Set<String> released = new HashSet<>();
        for (PassEvent e : mine) {
            switch (e.event()) {
                case PassEvent.FROZEN -> {
                    FrozenState s = e.state().toState();
                    frozen.put(e.pass(), s);
                    unreleased.add(s);
                }
                case PassEvent.COPIED -> {
                    LivePass p = LivePass.of(e);
                    passes.add(p);
                    if (!p.last()) {
                        base = frozen.get(p.number());
                    }
                }
                case PassEvent.RELEASED -> {
                    released.add(e.state().id());
                    unreleased.removeIf(s -> s.id().equals(e.state().id()));
                }
                case PassEvent.VERIFIED -> {
                    sourceDigest = e.digest();
                    targetDigest = e.digest();
                }
                default -> { }
            }
        }
        if (base != null && released.contains(base.id())) {
            // After the repoint the bases go (startAfterRepoint); the passes stay for the report.
            // Before it, this cannot happen with this order of journal lines: start again at pass 0.
            base = null;
            if (!repointStarted) {
                passes.clear();
            }
        }
        unreleased.removeIf(s -> base != null && s.id().equals(base.id()));
        // A switch-over delta before the repoint is done again (the next switch-over copies a new one).
        if (!passes.isEmpty() && passes.get(passes.size() - 1).last() && !repointStarted) {
            passes.remove(passes.size() - 1);
        }
    }

    /** True when the journal holds something of this disk since the last reset (or its volume). */
    boolean journaled() {
        return volumeKey != null || base != null || !passes.isEmpty() || !unreleased.isEmpty();
    }

    LiveDisk result() {
        return new LiveDisk(disk, volumeKey, passes, sourceDigest, targetDigest,
                sourceDigest != null && sourceDigest.equals(targetDigest));
    }

    static double secs(long nanos) {
        return nanos / 1e9;
    }
}
