package org.smapimigrate.live;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.smapimigrate.migrate.MigrationException;

/**
 * The passes of a live (warm) migration of a writer's disks (one, or every disk of a VM), written
 * once against {@link SourceController} (as qemu's mirror job is written against block status),
 * whatever the source: pass 0 freezes each running disk and copies the frozen state whole into
 * its target volume; each later pass freezes again and copies only
 * {@link SourceController#changedBetween} the previous state and the new one, then releases the
 * previous one. The passes go in rounds, one pass of each disk after the other ({@link DiskRun}).
 * After a round below {@code --switch-below} (or the last of {@code --max-passes}) comes the one
 * switch-over: stop the writer once ({@link StopPolicy}), copy every disk's final delta from the
 * quiet disk, compare each whole target with its whole quiet source byte for byte (the source's
 * SHA-256 taken in the same read), repoint every disk together ({@link SwitchOver}), start once.
 * Anything failing before the repoint, on any disk, starts the writer again on its old disks,
 * releases every snapshot of every disk and says which disk failed and why. The downtime is stop
 * requested to started.
 *
 * <p>Every step is journaled ({@link PassJournal}, one journal for all the disks, each line naming
 * its disk) before the next begins, a frozen state as soon as the controller returns it, so that
 * a run killed anywhere is resumed by running it again (same target volumes, the passes go on
 * from the last one each disk copied: a delta from that state covers whatever a half-done later
 * pass wrote) or undone by {@link #abort}. Snapshots that no journal line names (a kill inside a
 * freeze) come back from {@link SourceController#recover} and are released; none is left after
 * success, failure or abort.
 */
public final class LivePasses {

    /** The repoint of the switch-over: after it the writer's next start uses the targets. */
    @FunctionalInterface
    public interface SwitchOver {
        /**
         * Makes the writer use, from its next start, the volume of each of its disks, all together:
         * either every disk is repointed or none is. Returns a line for the report.
         *
         * @param volumeKeys disk (VDI uuid) to the key of its target volume, in the run's disk order
         * @param digests    disk to the {@code sha256:HEX} its verification proved
         * @throws IOException when it could not; the writer's disks must then all be the old ones
         */
        String repoint(Map<String, String> volumeKeys, Map<String, String> digests) throws IOException;

        /**
         * A resumed run found the repoint done by a killed one: whatever the start needs to know
         * of it (the local start hook's target volume) is set again here. Nothing by default.
         */
        default void repointed(Map<String, String> volumeKeys) {
        }
    }

    /** Opens the target volume of {@code disk}: {@code key} of an earlier run, or a new one when null. */
    @FunctionalInterface
    public interface Targets {
        LiveTarget open(String disk, String key, long size) throws IOException;
    }

    /** What the run tells as it goes (console lines); all optional. */
    public interface Listener {
        default void note(String line) {
        }

        default void pass(LivePass pass) {
        }

        /** A pass of {@code disk} was copied and verified; by default {@link #pass(LivePass)}. */
        default void pass(String disk, LivePass pass) {
            pass(pass);
        }

        /**
         * A pass's copy begins: {@code done} counts its bytes up to {@code total} (a progress bar
         * polls it); the copy closes what this returns when it ends.
         */
        default AutoCloseable copying(int pass, long total, LongSupplier done) {
            return () -> { };
        }

        /** A pass of {@code disk} begins its copy; by default {@link #copying(int, long, LongSupplier)}. */
        default AutoCloseable copying(String disk, int pass, long total, LongSupplier done) {
            return copying(pass, total, done);
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
    private final List<String> disks;
    private final Path journalFile;
    private final Targets targets;
    private final SwitchOver switchOver;
    private final LiveSettings settings;
    private final Listener listener;

    // The run's state, rebuilt from the journal when resuming: the VM's here, each disk's in its DiskRun.
    private final Map<String, DiskRun> runs = new LinkedHashMap<>();
    private PassJournal journal;
    private String stopHow;
    private Instant stopRequested;
    private Double downtime;
    private String switchedTo;
    private boolean repointing;
    private String startedOn;

    /** A live run of one disk. */
    public LivePasses(SourceController source, String disk, Path journalFile, Targets targets, SwitchOver switchOver,
                      LiveSettings settings, Listener listener) {
        this(source, List.of(disk), journalFile, targets, switchOver, settings, listener);
    }

    /**
     * A live run of a writer's {@code disks} (a VM's, in the order the passes take them): one
     * journal, one stop, one repoint of them all, one start.
     */
    public LivePasses(SourceController source, List<String> disks, Path journalFile, Targets targets,
                      SwitchOver switchOver, LiveSettings settings, Listener listener) {
        if (disks.isEmpty() || new LinkedHashSet<>(disks).size() != disks.size()) {
            throw new IllegalArgumentException("a live run takes one or more distinct disks, not " + disks);
        }
        this.source = source;
        this.disks = List.copyOf(disks);
        this.journalFile = journalFile;
        this.targets = targets;
        this.switchOver = switchOver;
        this.settings = settings;
        this.listener = listener == null ? new Listener() { } : listener;
    }

    /** Runs (or resumes, or finds finished) the live migration. */
    public LiveResult run() throws IOException {
        try (PassJournal j = open()) {
            List<PassEvent> since = sinceReset(j.events());
            replay(since);
            if (repointing || switchedTo != null) {
                // The VBDs may already use the new disks, so the disks the caller finds now (the
                // VM's) need not be the run's: the journal's are, and nothing else.
                runs.values().removeIf(d -> !d.journaled());
            } else {
                sameDisks();
            }
            if (finished(since)) {
                for (DiskRun d : runs.values()) {
                    d.releaseAll(); // what a failed release after the switch-over left, if anything
                }
                return result(null, true);
            }
            if (repointing && switchedTo == null) {
                // Killed during the repoint, the writer stopped and the targets verified: finish it.
                listener.note("the last run was interrupted during its repoint: finishing it");
                try {
                    repoint();
                } catch (IOException | RuntimeException e) {
                    throw fail(e, true);
                }
            }
            if (switchedTo != null) {
                // Killed after the repoint, before the start: only the release and the start are left.
                switchOver.repointed(volumeKeys());
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
                for (DiskRun d : runs.values()) {
                    onDisk(d, d::cleanUp);
                }
                rounds();
            } catch (IOException | RuntimeException e) {
                throw fail(e, false);
            }
            return switchOver();
        } finally {
            close();
        }
    }

    /**
     * Undoes a run that did not finish: every temporary state of every disk released, the writer
     * started again on its old disks when a switch-over stopped it, the target volumes destroyed.
     * Refused once the switch-over repointed the writer.
     */
    public LiveResult abort() throws IOException {
        try (PassJournal j = open()) {
            List<PassEvent> since = sinceReset(j.events());
            replay(since);
            if (switchedTo != null || repointing) {
                throw new MigrationException("the switch-over of " + subject() + (switchedTo != null
                        ? " already repointed it" : " was repointing it") + " to volume " + String.join(", ",
                        volumeKeys().values()) + " (" + journalFile + "): nothing to abort; run the migration again"
                        + " to finish it");
            }
            if (stopRequested != null) {
                PowerEvent st = source.start();
                j.append(PassEvent.power(PassEvent.STARTED, st.done(), "old", "aborted"));
            }
            for (DiskRun d : runs.values()) {
                d.releaseAll();
            }
            for (DiskRun d : runs.values()) {
                d.destroyVolume();
            }
            j.append(PassEvent.reset("aborted"));
            LiveResult r = result(null, false);
            List<LiveDisk> gone = r.disks().stream().map(d -> new LiveDisk(d.disk(), null, d.passes(), null, null,
                    false)).toList();
            return new LiveResult(r.disk(), r.source(), null, r.passes(), r.stop(), r.downtimeSeconds(), null, null,
                    false, null, r.startedOn(), null, false, true, gone);
        } finally {
            close();
        }
    }

    private PassJournal open() throws IOException {
        PassJournal j = PassJournal.open(journalFile);
        journal = j;
        for (String d : disks) {
            run(d);
        }
        return j;
    }

    private void close() throws IOException {
        journal = null;
        IOException first = null;
        for (DiskRun d : runs.values()) {
            d.journal = null;
            try {
                d.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** The run of {@code disk}, made when first needed (a journal may name a disk the caller no longer gives). */
    private DiskRun run(String disk) {
        return runs.computeIfAbsent(disk, d -> {
            DiskRun r = new DiskRun(d, source, targets, listener);
            r.journal = journal;
            return r;
        });
    }

    /**
     * A journal naming a disk the run was not given (the VM lost a disk while a run of it was
     * interrupted) would leave that disk's snapshots and volume behind: refused, {@code --abort}
     * undoes it. A disk given but not journaled (one added) simply starts at pass 0.
     */
    private void sameDisks() throws IOException {
        for (DiskRun d : runs.values()) {
            if (!disks.contains(d.disk) && d.journaled()) {
                throw new MigrationException("the pass journal " + journalFile + " names disk " + d.disk + ", which"
                        + " is not one of the disks of this run (" + String.join(", ", disks) + "): run with --abort"
                        + " to release its snapshots and volume, then migrate again");
            }
        }
        runs.keySet().retainAll(disks); // a disk with nothing left of it in the journal: forgotten
    }

    // --- the passes -------------------------------------------------------------------------

    /**
     * Rounds of passes, one pass of each disk after the other, until a round is small enough. A
     * resumed run first brings every disk to the same number of passes (a kill may have come in
     * the middle of a round), so that the round judged is whole.
     */
    private void rounds() throws IOException {
        List<DiskRun> mine = List.copyOf(runs.values());
        int most = Math.max(1, mine.stream().mapToInt(d -> d.passes.size()).max().orElse(0));
        for (DiskRun d : mine) {
            while (d.passes.size() < most) {
                onDisk(d, d::pass);
            }
        }
        while (!enough(mine)) {
            for (DiskRun d : mine) {
                onDisk(d, d::pass);
            }
        }
    }

    /**
     * The stop decision, for the VM as a whole: after {@code --max-passes} rounds, or when the last
     * round was below {@code --switch-below} summed over the disks (its changed bytes, or its
     * seconds). Summed, not per disk, because the downtime is the sum: the switch-over copies the
     * final delta of every disk one after the other while the VM is stopped, so a round whose
     * deltas add up to the threshold forecasts a final round of about that much, which is what the
     * admin asked for. A per-disk threshold would let N disks each bring the threshold into the
     * downtime (N times as long); a per-disk threshold divided by N would go on making passes for
     * a busy disk while a quiet disk already has nothing left, where the sum lets the quiet disk's
     * near-empty delta make room for the busy one's and stops as soon as the total is small.
     */
    private boolean enough(List<DiskRun> mine) {
        long changed = 0;
        double seconds = 0;
        int rounds = Integer.MAX_VALUE;
        for (DiskRun d : mine) {
            LivePass last = d.lastPass();
            changed += last.changed();
            seconds += last.seconds();
            rounds = Math.min(rounds, d.passes.size());
        }
        LivePass round = new LivePass(rounds - 1, false, changed, 0, 0, 0, 0, seconds, 0, null);
        return rounds >= settings.maxPasses() || settings.below(round);
    }

    // --- the switch-over --------------------------------------------------------------------

    private LiveResult switchOver() throws IOException {
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
            // Every quiet state is taken before any is read: the XAPI controller lists the changed
            // blocks of a disk in quiet() because reading it over NBD attaches it, and the list
            // must be made while it is not attached (xapi-integration.md section 4).
            Map<DiskRun, FrozenState> quiet = new LinkedHashMap<>();
            Map<DiskRun, Long> began = new LinkedHashMap<>();
            for (DiskRun d : runs.values()) {
                began.put(d, System.nanoTime());
                onDisk(d, () -> {
                    d.openVolume(d.base.size());
                    quiet.put(d, d.freeze(d.nextNumber(), true));
                });
            }
            for (DiskRun d : runs.values()) {
                onDisk(d, () -> d.finalDelta(quiet.get(d), began.get(d)));
            }
            for (DiskRun d : runs.values()) {
                onDisk(d, () -> d.verify(quiet.get(d)));
            }
            for (DiskRun d : runs.values()) {
                onDisk(d, d::markComplete);
            }
            repoint();
        } catch (IOException | RuntimeException e) {
            throw fail(e, true);
        }
        return startAfterRepoint();
    }

    /**
     * The repoint of every disk at once, journaled before and after: it is idempotent (the XAPI
     * switch-over finishes from its own journal, the local one has nothing to do), so a run killed
     * in the middle of it calls it again rather than starting the writer on disks it may no longer
     * use.
     */
    private void repoint() throws IOException {
        journal.append(PassEvent.repoint(PassEvent.REPOINTING, null));
        repointing = true;
        Map<String, String> digests = new LinkedHashMap<>();
        runs.values().forEach(d -> digests.put(d.disk, d.sourceDigest));
        switchedTo = switchOver.repoint(volumeKeys(), digests);
        journal.append(PassEvent.repoint(PassEvent.SWITCHED, switchedTo));
    }

    private Map<String, String> volumeKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        runs.values().forEach(d -> keys.put(d.disk, d.volumeKey));
        return keys;
    }

    /**
     * After the repoint: the snapshots go (the base of each final delta was kept until now, so
     * that a run killed during the switch-over resumes its passes from it), then the writer starts
     * whatever the release did: a snapshot left over is reported, and the next run releases it.
     */
    private LiveResult startAfterRepoint() throws IOException {
        List<String> leftOver = new ArrayList<>();
        for (DiskRun d : runs.values()) {
            try {
                d.releaseAll();
            } catch (IOException | RuntimeException e) {
                leftOver.add(named(d, e));
            }
        }
        LiveResult r = start();
        if (!leftOver.isEmpty()) {
            throw new LiveFailure("the " + subject() + " moved and the writer runs on volume " + String.join(", ",
                    volumeKeys().values()) + ", but releasing a temporary snapshot failed: " + String.join("; ",
                    leftOver) + "; run the same command again to release it", r, null);
        }
        return r;
    }

    private LiveResult start() throws IOException {
        PowerEvent st;
        try {
            st = source.start();
        } catch (IOException | RuntimeException e) {
            throw new LiveFailure("the switch-over repointed " + subject() + " to volume " + String.join(", ",
                    volumeKeys().values()) + " but the start failed: " + e.getMessage() + "; start it by hand",
                    result(e.getMessage(), false), e);
        }
        startedOn = "new";
        journal.append(PassEvent.power(PassEvent.STARTED, st.done(), "new", null));
        downtime = stopRequested == null ? null : DiskRun.secs(Duration.between(stopRequested, st.done()).toNanos());
        listener.note(String.format("writer started on the new disk%s; downtime %.3f s", runs.size() > 1 ? "s" : "",
                downtime));
        return result(null, false);
    }

    // --- failures ---------------------------------------------------------------------------

    /** Something done to one disk. */
    @FunctionalInterface
    private interface DiskStep {
        void run() throws IOException;
    }

    /** Runs a step of one disk; with several disks, a failure names the disk. */
    private void onDisk(DiskRun d, DiskStep step) throws IOException {
        try {
            step.run();
        } catch (IOException | RuntimeException e) {
            if (runs.size() == 1) {
                throw e;
            }
            throw new MigrationException(named(d, e), e);
        }
    }

    private String named(DiskRun d, Exception e) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        return runs.size() == 1 ? why : "disk " + d.disk + ": " + why;
    }

    /**
     * After a failure: the writer started again on its old disks if it was stopped, every
     * temporary state of every disk released, the journal reset (the next run starts at pass 0,
     * into the same volumes). Returns the exception to throw.
     */
    private LiveFailure fail(Exception e, boolean stopped) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        List<String> more = new ArrayList<>();
        if (stopped) {
            try {
                PowerEvent st = source.start();
                startedOn = "old";
                downtime = DiskRun.secs(Duration.between(stopRequested, st.done()).toNanos());
                journal.append(PassEvent.power(PassEvent.STARTED, st.done(), "old", why));
            } catch (IOException | RuntimeException s) {
                more.add("starting it again on its old disks failed too: " + s.getMessage() + "; start it by hand");
            }
        }
        boolean released = true;
        for (DiskRun d : runs.values()) {
            try {
                d.releaseAll();
            } catch (IOException | RuntimeException c) {
                released = false;
                more.add("releasing the snapshots of " + d.disk + " failed: " + c.getMessage() + "; run again with"
                        + " --abort");
            }
        }
        if (released) {
            try {
                journal.append(PassEvent.reset(why));
            } catch (IOException | RuntimeException c) {
                more.add("recording the failure in " + journalFile + " failed: " + c.getMessage() + "; run again with"
                        + " --abort");
            }
        }
        String message = "live migration of " + subject() + " failed: " + why
                + (stopped && more.isEmpty() ? "; the writer runs again on its old disks" : "")
                + (more.isEmpty() ? "" : "; " + String.join("; ", more));
        return new LiveFailure(message, result(why, false), e);
    }

    /** The disk, or the disks, for messages. */
    private String subject() {
        return runs.size() == 1 ? runs.keySet().iterator().next() : "disks " + String.join(", ", runs.keySet());
    }

    // --- the journal ------------------------------------------------------------------------

    /**
     * The events after the last reset; each disk's volume key is looked for in all of them (a
     * failed run's volumes are written again by the next).
     */
    private List<PassEvent> sinceReset(List<PassEvent> all) {
        int from = 0;
        for (int i = 0; i < all.size(); i++) {
            PassEvent e = all.get(i);
            if (PassEvent.VOLUME.equals(e.event())) {
                run(e.diskOr(disks.get(0))).volumeKey = e.volume();
            } else if (PassEvent.RESET.equals(e.event())) {
                from = i + 1;
                if ("aborted".equals(e.why())) {
                    runs.values().forEach(d -> d.volumeKey = null); // destroyed by the abort
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
        Map<String, List<PassEvent>> byDisk = new LinkedHashMap<>();
        Set<String> perDisk = Set.of(PassEvent.FROZEN, PassEvent.COPIED, PassEvent.RELEASED, PassEvent.VERIFIED);
        for (PassEvent e : since) {
            if (perDisk.contains(e.event())) {
                byDisk.computeIfAbsent(e.diskOr(disks.get(0)), k -> new ArrayList<>()).add(e);
                continue;
            }
            switch (e.event()) {
                case PassEvent.STOP_REQUESTED -> stopRequested = Instant.parse(e.at());
                case PassEvent.STOPPED -> stopHow = e.how();
                case PassEvent.REPOINTING -> repointing = true;
                case PassEvent.SWITCHED -> switchedTo = e.how();
                case PassEvent.STARTED -> {
                    startedOn = e.how();
                    if (stopRequested != null && "new".equals(e.how())) {
                        downtime = DiskRun.secs(Duration.between(stopRequested, Instant.parse(e.at())).toNanos());
                    }
                }
                default -> { }
            }
        }
        byDisk.forEach((disk, events) -> run(disk).replay(events, repointing || switchedTo != null));
    }

    private LiveResult result(String failure, boolean alreadyDone) {
        List<LiveDisk> all = runs.values().stream().map(DiskRun::result).toList();
        if (all.size() == 1) {
            LiveDisk d = all.get(0);
            return new LiveResult(d.disk(), source.describe(), d.volume(), d.passes(), stopHow, downtime,
                    d.sourceDigest(), d.targetDigest(), d.verified(), switchedTo, startedOn, failure, alreadyDone,
                    false, all);
        }
        List<String> volumes = all.stream().map(LiveDisk::volume).filter(v -> v != null).toList();
        return new LiveResult(String.join(", ", runs.keySet()), source.describe(),
                volumes.isEmpty() ? null : String.join(", ", volumes), List.of(), stopHow, downtime, null, null,
                all.stream().allMatch(LiveDisk::verified), switchedTo, startedOn, failure, alreadyDone, false, all);
    }
}
