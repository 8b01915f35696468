package org.smapimigrate.live;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.smapimigrate.disk.CopyStats;
import org.smapimigrate.disk.DiskCopy;
import org.smapimigrate.disk.DiskSink;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.migrate.MigrationException;

/**
 * The passes of a live (warm) migration of one disk, written once against {@link SourceController}
 * (as qemu's mirror job is written against block status), whatever the source: pass 0 freezes the
 * running disk and copies the frozen state whole into one target volume; each later pass freezes
 * again and copies only {@link SourceController#changedBetween} the previous state and the new
 * one, then releases the previous one. After a pass below {@code --switch-below} (or the last of
 * {@code --max-passes}) comes the switch-over: stop the writer ({@link StopPolicy}), copy the
 * final delta from the quiet disk, compare the whole target with the whole quiet source byte for
 * byte (the source's SHA-256 taken in the same read), repoint ({@link SwitchOver}), start. Anything failing before the repoint
 * starts the writer again on its old disks and says why. The downtime is stop requested to started.
 *
 * <p>Every step is journaled ({@link PassJournal}) before the next begins, a frozen state as soon
 * as the controller returns it, so that a run killed anywhere is resumed by running it again (same
 * target volume, the passes go on from the last one copied: a delta from that state covers
 * whatever a half-done later pass wrote) or undone by {@link #abort}. Snapshots that no journal
 * line names (a kill inside a freeze) come back from {@link SourceController#recover} and are
 * released; none is left after success, failure or abort.
 */
public final class LivePasses {

    /** The repoint of the switch-over: after it the writer's next start uses the target. */
    @FunctionalInterface
    public interface SwitchOver {
        /**
         * Makes the writer use {@code volumeKey} from its next start; returns a line for the report.
         *
         * @throws IOException when it could not; the writer's disks must then be the old ones
         */
        String repoint(String disk, String volumeKey, String digest) throws IOException;

        /**
         * A resumed run found the repoint done by a killed one: whatever the start needs to know
         * of it (the local start hook's target volume) is set again here. Nothing by default.
         */
        default void repointed(String disk, String volumeKey) {
        }
    }

    /** Opens the target volume: {@code key} of an earlier run, or a new one when null. */
    @FunctionalInterface
    public interface Targets {
        LiveTarget open(String key, long size) throws IOException;
    }

    /** What the run tells as it goes (console lines); all optional. */
    public interface Listener {
        default void note(String line) {
        }

        default void pass(LivePass pass) {
        }

        /**
         * A pass's copy begins: {@code done} counts its bytes up to {@code total} (a progress bar
         * polls it); the copy closes what this returns when it ends.
         */
        default AutoCloseable copying(int pass, long total, java.util.function.LongSupplier done) {
            return () -> { };
        }
    }

    /** A live run that failed: the source runs on its old disks (or the message says what to do). */
    public static final class LiveFailure extends MigrationException {
        private final transient LiveResult result;

        LiveFailure(String message, LiveResult result, Throwable cause) {
            super(message, cause);
            this.result = result;
        }

        public LiveResult result() {
            return result;
        }
    }

    private final SourceController source;
    private final String disk;
    private final Path journalFile;
    private final Targets targets;
    private final SwitchOver switchOver;
    private final LiveSettings settings;
    private final Listener listener;

    // The run's state, rebuilt from the journal when resuming.
    private PassJournal journal;
    private LiveTarget volume;
    private String volumeKey;
    private boolean volumeFresh;
    private FrozenState base;
    private final List<FrozenState> unreleased = new ArrayList<>();
    private final List<LivePass> passes = new ArrayList<>();
    private String stopHow;
    private Instant stopRequested;
    private Double downtime;
    private String sourceDigest;
    private String targetDigest;
    private String switchedTo;
    private boolean repointing;
    private String startedOn;

    public LivePasses(SourceController source, String disk, Path journalFile, Targets targets, SwitchOver switchOver,
                      LiveSettings settings, Listener listener) {
        this.source = source;
        this.disk = disk;
        this.journalFile = journalFile;
        this.targets = targets;
        this.switchOver = switchOver;
        this.settings = settings;
        this.listener = listener == null ? new Listener() { } : listener;
    }

    /** Runs (or resumes, or finds finished) the live migration. */
    public LiveResult run() throws IOException {
        try (PassJournal j = PassJournal.open(journalFile)) {
            journal = j;
            List<PassEvent> since = sinceReset(j.events());
            if (finished(since)) {
                replay(since);
                releaseAll(); // what a failed release after the switch-over left, if anything
                return result(null, true);
            }
            replay(since);
            if (repointing && switchedTo == null) {
                // Killed during the repoint, the writer stopped and the target verified: finish it.
                listener.note("the last run was interrupted during its repoint: finishing it");
                try {
                    repoint();
                } catch (IOException | RuntimeException e) {
                    throw fail(e, true);
                }
            }
            if (switchedTo != null) {
                // Killed after the repoint, before the start: only the release and the start are left.
                switchOver.repointed(disk, volumeKey);
                return startAfterRepoint();
            }
            if (stopRequested != null) {
                // Killed during the switch-over before the repoint: the writer is on its old disks.
                listener.note("the last run was interrupted during its switch-over: starting the writer again on"
                        + " its old disks, then the passes go on");
                PowerEvent st = source.start();
                j.append(PassEvent.power(PassEvent.STARTED, st.done(), "old", "resumed after an interrupted"
                        + " switch-over"));
                stopRequested = null;
                stopHow = null;
            }
            try {
                cleanUp();
                if (base == null) {
                    passZero();
                }
                while (!enough()) {
                    pass();
                }
            } catch (IOException | RuntimeException e) {
                throw fail(e, false);
            }
            return switchOver();
        } finally {
            journal = null;
            if (volume != null) {
                volume.close();
                volume = null;
            }
        }
    }

    /**
     * Undoes a run that did not finish: every temporary state released, the writer started again
     * on its old disks when a switch-over stopped it, the target volume destroyed. Refused once the
     * switch-over repointed the writer.
     */
    public LiveResult abort() throws IOException {
        try (PassJournal j = PassJournal.open(journalFile)) {
            journal = j;
            List<PassEvent> since = sinceReset(j.events());
            replay(since);
            if (switchedTo != null || repointing) {
                throw new MigrationException("the switch-over of " + disk + (switchedTo != null ? " already repointed it"
                        : " was repointing it") + " to volume " + volumeKey + " (" + journalFile + "): nothing to abort;"
                        + " run the migration again to finish it");
            }
            if (stopRequested != null) {
                PowerEvent st = source.start();
                j.append(PassEvent.power(PassEvent.STARTED, st.done(), "old", "aborted"));
            }
            releaseAll();
            if (volumeKey != null) {
                try {
                    targets.open(volumeKey, 1).destroy();
                } catch (IOException e) {
                    listener.note("could not destroy target volume " + volumeKey + ": " + e.getMessage());
                    throw e;
                }
            }
            j.append(PassEvent.reset("aborted"));
            LiveResult r = result(null, false);
            volumeKey = null;
            return new LiveResult(r.disk(), r.source(), r.volume(), r.passes(), r.stop(), r.downtimeSeconds(), null, null,
                    false, null, r.startedOn(), null, false, true);
        } finally {
            journal = null;
        }
    }

    // --- the passes -------------------------------------------------------------------------

    private void passZero() throws IOException {
        long t0 = System.nanoTime();
        FrozenState s = freeze(0, false);
        openVolume(s.size());
        long c0 = System.nanoTime();
        CopyStats stats;
        DiskCopy copy = DiskCopy.standard();
        try (VirtualDisk d = source.open(s); DiskSink sink = volume.openSink(volumeFresh);
             AutoCloseable bar = listener.copying(0, s.size(), copy::bytesDone)) {
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

    private void pass() throws IOException {
        int number = passes.isEmpty() ? 0 : passes.get(passes.size() - 1).number() + 1;
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

    private LivePass delta(int number, boolean last, FrozenState next, long t0) throws IOException {
        if (next.size() != base.size()) {
            throw new MigrationException("disk " + disk + " changed size during the live run (" + base.size() + " to "
                    + next.size() + " bytes): run with --abort and migrate it again");
        }
        ChangedRanges r = source.changedBetween(base, next);
        long c0 = System.nanoTime();
        RangeCopy.Stats s;
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        try (VirtualDisk d = source.open(next); DiskSink sink = volume.openSink(false);
             AutoCloseable bar = listener.copying(number, r.bytes(), done::get)) {
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
            throw new Mismatch("pass " + number + " does not verify: what it copied hashes " + src
                    + " on the source and " + tgt + " on target volume " + volumeKey, src, tgt);
        }
        return src;
    }

    /** Source and target hash differently. */
    private static final class Mismatch extends MigrationException {
        final String source;
        final String target;

        Mismatch(String message, String source, String target) {
            super(message);
            this.source = source;
            this.target = target;
        }
    }

    private FrozenState freeze(int number, boolean last) throws IOException {
        FrozenState s = last ? source.quiet(disk) : source.freeze(disk);
        unreleased.add(s);
        journal.append(PassEvent.frozen(number, last, s));
        return s;
    }

    private void copied(LivePass p) throws IOException {
        journal.append(PassEvent.copied(p));
        passes.add(p);
        listener.pass(p);
    }

    private boolean enough() {
        LivePass last = passes.get(passes.size() - 1);
        return passes.size() >= settings.maxPasses() || settings.below(last);
    }

    private void openVolume(long size) throws IOException {
        if (volume != null) {
            return;
        }
        boolean created = volumeKey == null;
        volume = targets.open(volumeKey, size);
        if (created) {
            volumeKey = volume.key();
            volumeFresh = true;
            journal.append(PassEvent.volume(volumeKey));
            listener.note("target: " + volume.describe());
        }
    }

    // --- the switch-over --------------------------------------------------------------------

    private LiveResult switchOver() throws IOException {
        int number = passes.get(passes.size() - 1).number() + 1;
        stopRequested = Instant.now();
        journal.append(PassEvent.power(PassEvent.STOP_REQUESTED, stopRequested, null, null));
        listener.note("switch-over: stopping the writer");
        PowerEvent stop;
        try {
            stop = source.stop(settings.stop());
        } catch (IOException | RuntimeException e) {
            // The controller's contract: a failed stop leaves the source running.
            throw fail(e, false);
        }
        stopHow = stop.how();
        journal.append(PassEvent.power(PassEvent.STOPPED, stop.done(), stop.how(), null));
        try {
            long t0 = System.nanoTime();
            openVolume(base.size());
            FrozenState quiet = freeze(number, true);
            LivePass p = delta(number, true, quiet, t0);
            unreleased.remove(quiet);
            copied(p);
            verify(quiet);
            volume.markComplete(disk, sourceDigest);
            repoint();
        } catch (IOException | RuntimeException e) {
            throw fail(e, true);
        }
        return startAfterRepoint();
    }

    /**
     * The repoint, journaled before and after: it is idempotent (the XAPI switch-over finishes
     * from its own journal, the local one has nothing to do), so a run killed in the middle of it
     * calls it again rather than starting the writer on disks it may no longer use.
     */
    private void repoint() throws IOException {
        journal.append(new PassEvent(PassEvent.REPOINTING, null, null, null, Instant.now().toString(), null, null,
                null, null, null, null, null, null, null, volumeKey, sourceDigest));
        switchedTo = switchOver.repoint(disk, volumeKey, sourceDigest);
        journal.append(new PassEvent(PassEvent.SWITCHED, null, null, null, Instant.now().toString(), null, null,
                null, null, null, null, null, switchedTo, null, volumeKey, sourceDigest));
    }

    /**
     * The whole target against the whole quiet source, byte for byte ({@link QuietComparison}),
     * the source's SHA-256 taken in the same read: one hash instead of one per side while the
     * writer is stopped.
     */
    private void verify(FrozenState quiet) throws IOException {
        listener.note("verifying the whole target against the quiet source (byte comparison, SHA-256 of the source)");
        String digest;
        try (VirtualDisk s = source.open(quiet); VirtualDisk t = volume.openReader()) {
            digest = QuietComparison.compare(s, t, quiet.size(), volumeKey);
        } catch (QuietComparison.Differs e) {
            throw new MigrationException("verification failed: " + e.getMessage() + "; nothing was repointed", e);
        }
        sourceDigest = digest;
        targetDigest = digest; // byte-equal over the same range, so the same SHA-256
        journal.append(PassEvent.verified(sourceDigest));
    }

    /**
     * After the repoint: the snapshots go (the base of the final delta was kept until now, so that
     * a run killed during the switch-over resumes its passes from it), then the writer starts
     * whatever the release did: a snapshot left over is reported, and the next run releases it.
     */
    private LiveResult startAfterRepoint() throws IOException {
        String leftOver = null;
        try {
            releaseAll();
        } catch (IOException | RuntimeException e) {
            leftOver = e.getMessage();
        }
        LiveResult r = start();
        if (leftOver != null) {
            throw new LiveFailure("the disk " + disk + " moved and its writer runs on volume " + volumeKey + ", but"
                    + " releasing a temporary snapshot failed: " + leftOver + "; run the same command again to release"
                    + " it", r, null);
        }
        return r;
    }

    private LiveResult start() throws IOException {
        PowerEvent st;
        try {
            st = source.start();
        } catch (IOException | RuntimeException e) {
            throw new LiveFailure("the switch-over repointed " + disk + " to volume " + volumeKey
                    + " but the start failed: " + e.getMessage() + "; start it by hand", result(e.getMessage(), false),
                    e);
        }
        startedOn = "new";
        journal.append(PassEvent.power(PassEvent.STARTED, st.done(), "new", null));
        downtime = stopRequested == null ? null : secs(Duration.between(stopRequested, st.done()).toNanos());
        listener.note(String.format("writer started on the new disk; downtime %.3f s", downtime));
        return result(null, false);
    }

    // --- failures and clean-up --------------------------------------------------------------

    /**
     * After a failure: the writer started again on its old disks if it was stopped, every
     * temporary state released, the journal reset (the next run starts at pass 0, into the same
     * volume). Returns the exception to throw.
     */
    private LiveFailure fail(Exception e, boolean stopped) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        List<String> more = new ArrayList<>();
        if (stopped) {
            try {
                PowerEvent st = source.start();
                startedOn = "old";
                downtime = secs(Duration.between(stopRequested, st.done()).toNanos());
                journal.append(PassEvent.power(PassEvent.STARTED, st.done(), "old", why));
            } catch (IOException | RuntimeException s) {
                more.add("starting it again on its old disks failed too: " + s.getMessage() + "; start it by hand");
            }
        }
        try {
            releaseAll();
            journal.append(PassEvent.reset(why));
        } catch (IOException | RuntimeException c) {
            more.add("releasing its snapshots failed: " + c.getMessage() + "; run again with --abort");
        }
        String message = "live migration of " + disk + " failed: " + why
                + (stopped && more.isEmpty() ? "; the writer runs again on its old disks" : "")
                + (more.isEmpty() ? "" : "; " + String.join("; ", more));
        return new LiveFailure(message, result(why, false), e);
    }

    /** Releases every temporary state but the base of the next delta, journaled or found by recover. */
    private void cleanUp() throws IOException {
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

    private void releaseAll() throws IOException {
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

    // --- the journal ------------------------------------------------------------------------

    /** The events after the last reset; the volume key is looked for in all of them. */
    private List<PassEvent> sinceReset(List<PassEvent> all) {
        int from = 0;
        for (int i = 0; i < all.size(); i++) {
            PassEvent e = all.get(i);
            if (PassEvent.VOLUME.equals(e.event())) {
                volumeKey = e.volume();
            } else if (PassEvent.RESET.equals(e.event())) {
                from = i + 1;
                if ("aborted".equals(e.why())) {
                    volumeKey = null; // destroyed by the abort
                }
            }
        }
        return all.subList(from, all.size());
    }

    private static boolean finished(List<PassEvent> since) {
        return !since.isEmpty() && PassEvent.STARTED.equals(since.get(since.size() - 1).event())
                && "new".equals(since.get(since.size() - 1).how());
    }

    /** Rebuilds the run's state from the journal's events since the last reset. */
    private void replay(List<PassEvent> since) {
        Map<Integer, FrozenState> frozen = new LinkedHashMap<>();
        java.util.Set<String> released = new java.util.HashSet<>();
        for (PassEvent e : since) {
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
                case PassEvent.STOP_REQUESTED -> stopRequested = Instant.parse(e.at());
                case PassEvent.STOPPED -> stopHow = e.how();
                case PassEvent.VERIFIED -> {
                    sourceDigest = e.digest();
                    targetDigest = e.digest();
                }
                case PassEvent.REPOINTING -> repointing = true;
                case PassEvent.SWITCHED -> switchedTo = e.how();
                case PassEvent.STARTED -> {
                    startedOn = e.how();
                    if (stopRequested != null && "new".equals(e.how())) {
                        downtime = secs(Duration.between(stopRequested, Instant.parse(e.at())).toNanos());
                    }
                }
                default -> { }
            }
        }
        if (base != null && released.contains(base.id())) {
            base = null; // cannot happen with this order of journal lines; an older journal: start again at pass 0
            passes.clear();
        }
        unreleased.removeIf(s -> base != null && s.id().equals(base.id()));
        // A pass whose copy did not finish is done again: drop the passes after the base's.
        if (!passes.isEmpty() && passes.get(passes.size() - 1).last() && switchedTo == null && !repointing) {
            passes.remove(passes.size() - 1);
        }
    }

    private LiveResult result(String failure, boolean alreadyDone) {
        return new LiveResult(disk, source.describe(), volumeKey, passes, stopHow, downtime, sourceDigest,
                targetDigest, sourceDigest != null && sourceDigest.equals(targetDigest), switchedTo, startedOn,
                failure, alreadyDone, false);
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }
}
