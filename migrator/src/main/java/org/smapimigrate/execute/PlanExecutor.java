package org.smapimigrate.execute;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.smapimigrate.datapath.VolumeAttachment;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.migrate.MigrationException;
import org.smapimigrate.migrate.StaleAttachment;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.plan.CopyExtents;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.SetMetadata;
import org.smapimigrate.plan.SourceNode;
import org.smapimigrate.plan.Step;
import org.smapimigrate.plan.VerifyVolume;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.plugin.CallLog;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.report.Sizes;
import org.smapimigrate.report.TerminalText;

/**
 * The one migration engine: runs a plan exactly as planned, step by step in plan order, with a
 * {@link Journal} beside the plan file: one durable line per finished step, holding what it made
 * (volume key and uuid), moved (bytes) and proved (digest). {@code migrate --plan FILE} runs the
 * plan a person approved; {@code migrate --sr SR --vdi UUID} runs one planned on the fly and kept
 * in the state directory ({@link StateDirectory}), so both resume, verify and mark volumes alike.
 *
 * <p>Refusing before writing. Before the target is even opened (opening the bundled SR creates
 * it), a plan holding an error-level risk the user did not accept ({@link RunGate#risks}) and a
 * source that changed since planning are refused. Once the SR is attached, its free space is
 * checked against what the plan still needs, and a run after one that ran out of space refuses at
 * once while the space is still short. Only then is the first volume created.
 *
 * <p>Resuming. A run first sets the target against the journal ({@link PlanVolumes}): journaled
 * steps are checked again on the target (their volumes exist with the recorded keys; resizes,
 * digests and completion still show), leftovers of steps that never got journaled are destroyed,
 * and a datapath a killed run left attached is released. Then it carries on with the first step
 * that has no journal line. Redoing that step is always correct: a copy writes the same bytes
 * at the same offsets into the same volume (nothing later ran), a resize or key setting is
 * idempotent, and a volume-making step whose volume was not journaled gets a new volume once
 * the old one is gone. So a volume is never duplicated and never orphaned.
 *
 * <p>Safety. The source is only read. Every volume carries {@value VolumeKeys#STATE}={@value
 * VolumeKeys#INCOMPLETE} from the moment it exists until its {@link SetMetadata} step, which
 * runs after every copy and verification and sets it to {@value VolumeKeys#COMPLETE} last, so a
 * half-done target never looks complete. A failure stops the run and leaves the journal and the
 * volumes as they are, for a re-run to finish, except running out of space: then the half-written
 * volume is destroyed (its datapath released first), its steps are journaled as undone, and the
 * failure is journaled with the bytes still needed.
 */
public final class PlanExecutor {
    private final Plan plan;
    private final Path planFile;
    private final StorageRepository source;
    private final TargetOpener opener;
    private final Path manifestDir;
    private final String tool;
    private final RunEvents events;
    private final RunOptions options;
    private final String domain;
    private final PausePoint pause = PausePoint.configured();

    /** The plan's steps by id, the metadata step of each volume, the source images by uuid. */
    private final Map<String, Step> steps = new HashMap<>();
    private final Map<String, SetMetadata> metadataOf = new HashMap<>();
    private final Map<String, SourceNode> nodes = new HashMap<>();
    private JournalState state;
    private TargetSr target;
    private StepWork work;
    private RunVolumes runVolumes;
    private RunProgress progress;
    private final CallLog.Mark callsFrom;

    /**
     * @param plan        the plan, as read from {@code planFile}
     * @param source      its source SR, opened read-only
     * @param opener      opens its target SR once the checks that need no target passed
     * @param manifestDir where the manifests of the plan's VDIs go
     * @param tool        the smapi-migrate version, for the journal and manifests
     */
    public PlanExecutor(Plan plan, Path planFile, StorageRepository source, TargetOpener opener, Path manifestDir,
                        String tool, RunEvents events, RunOptions options) {
        this.plan = Objects.requireNonNull(plan);
        this.planFile = planFile;
        this.source = source;
        this.opener = opener;
        this.manifestDir = manifestDir;
        this.tool = tool;
        this.events = events;
        this.options = options;
        this.domain = domainFor(plan);
        this.callsFrom = options.callsFrom() != null ? options.callsFrom() : CallLog.process().mark();
        plan.nodes().forEach(n -> nodes.put(n.uuid(), n));
        for (Step s : plan.steps()) {
            steps.put(s.id(), s);
            if (s instanceof SetMetadata m) {
                metadataOf.put(m.volume(), m);
            }
        }
    }

    /** The datapath domain of every attachment a run of {@code plan} makes; the same on every run. */
    public static String domainFor(Plan plan) {
        return VolumeAttachment.dom0Domain("smapi-migrate/plan/" + plan.id());
    }

    /** Refuses a plan that names no run (made by the planner alone, not by 'plan'). */
    public static void requireRunnable(Plan plan) throws MigrationException {
        if (plan.id() == null || plan.targetSr() == null || plan.source().paths().isEmpty()) {
            throw new MigrationException("the plan names no id, source paths or target SR; make it with "
                    + "'smapi-migrate plan --sr SR --target-sr DIR -o plan.json' (or --volume-plugin/--sr-config)");
        }
    }

    public RunSummary run() throws IOException {
        requireRunnable(plan);
        long start = System.nanoTime();
        Path journalPath = Journal.beside(planFile);
        try (Journal journal = Journal.open(journalPath)) {
            String planSha = sha256(planFile);
            state = JournalState.read(journal.entries(), plan, planSha, journal.path(), planFile);
            boolean finished = state.finished(plan);
            // Always, even for a finished plan: one with nothing to do must not look like success.
            RunGate.risks(plan, options.acceptedRisks());
            if (!finished) {
                checkSource(source.inventory());
                if (plan.targetSr().bundledSr() != null) {
                    RunGate.spaceBeforeCreate(Path.of(plan.targetSr().bundledSr()), stillNeeded(),
                            options.acceptedRisks());
                }
            }
            TargetSr.Opened opened = opener.open();
            target = opened.target();
            if (opened.created()) {
                journal.append(JournalEntry.event(JournalEntry.SR_CREATED, null, null, target.sr(), null, null));
            }
            checkTarget();
            if (!finished) {
                RunGate.afterOutOfSpace(state.outOfSpace, target);
                if (plan.targetSr().bundledSr() == null) {
                    // The bundled SR's filesystem was checked before it was opened: the same figure, no SR.stat.
                    RunGate.space(target, stillNeeded(), options.acceptedRisks());
                }
            }
            List<String> notes = new ArrayList<>();
            if (journal.tornTailCut()) {
                notes.add("the journal's last line was torn by an interruption and was cut off; its step runs again");
                events.note(notes.get(0));
            }
            boolean earlierRun = state.earlierRun;
            journal.append(JournalEntry.run(now(), plan.id(), planSha, tool));
            long finishedBytes = plan.steps().stream()
                    .filter(s -> moves(s) && state.done.containsKey(s.id())).mapToLong(Step::bytes).sum();
            progress = new RunProgress(plan.steps().stream().filter(PlanExecutor::moves).mapToLong(Step::bytes).sum(),
                    finishedBytes);
            runVolumes = new RunVolumes(target, domain);
            work = new StepWork(plan, source, target, manifestDir, tool, domain, pause, steps, metadataOf, nodes,
                    state.made, progress, runVolumes, state.digests, options.jobs());
            int before = state.done.size();
            events.runStarted(plan, plan.steps().size(), before, progress);
            PlanVolumes volumes = new PlanVolumes(plan, target, domain);
            notes.addAll(volumes.reconcile(state.done, state.made, events, opened.created(), finished));
            long runWritten = runSteps(journal);
            notes.addAll(volumes.sweep(state.made, events, earlierRun && !finished));
            RunSummary summary = summary(journalPath, state.done.size() - before, before, runWritten, start, notes);
            events.runDone(summary);
            return summary;
        } catch (StepFailure f) {
            events.runFailed(f.step, f.failure);
            throw f.failure;
        } catch (IOException | RuntimeException e) {
            events.runFailed(null, e);
            throw e;
        }
    }

    /**
     * Target bytes the steps not yet journaled still need: the plan's space figure less what the
     * journaled copies wrote (those bytes are on the target already), never below zero.
     */
    private long stillNeeded() {
        if (state.finished(plan)) {
            return 0;
        }
        return Math.max(0, plan.totals().targetSpaceNeeded() - state.bytesWritten());
    }

    /**
     * Every step without a journal line, each once its {@code after} steps are done, up to
     * {@link RunOptions#jobs} at once (plan order with one job); returns the bytes this run wrote.
     * Only this thread journals: a step's line is appended (one write, forced to disk) when its
     * work is done, so the journal holds exactly the finished steps whatever ran alongside. A
     * failure lets the running steps finish and be journaled, then stops the run.
     */
    private long runSteps(Journal journal) throws IOException {
        long[] written = {0};
        Map<String, Integer> index = new HashMap<>();
        Map<String, Long> startedAt = new HashMap<>();
        for (Step s : plan.steps()) {
            index.put(s.id(), index.size() + 1);
        }
        Thread hook = new Thread(this::interrupted, "smapi-migrate-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            new StepScheduler<Step>(plan.steps(), Step::id, Step::after).run(state.done.keySet(), options.jobs(),
                    work::execute, new StepScheduler.Callbacks<Step, StepOutcome>() {
                        @Override
                        public void started(Step s) {
                            events.stepStarted(s, index.get(s.id()), plan.steps().size());
                            startedAt.put(s.id(), System.nanoTime());
                        }

                        @Override
                        public void finished(Step s, StepOutcome o) throws IOException {
                            JournalEntry e = JournalEntry.step(s, kindOf(s),
                                    (System.nanoTime() - startedAt.get(s.id())) / 1e9, o);
                            PausePoint.reached(pause, "done", s.id());
                            journal.append(e);
                            PausePoint.reached(pause, "journaled", s.id());
                            state.record(s, e);
                            written[0] += e.bytesWritten() == null ? 0 : e.bytesWritten();
                            progress.finish(s.id(), moves(s) ? s.bytes() : 0);
                            events.stepDone(s, e);
                        }
                    });
        } catch (StepScheduler.Failed f) {
            throw failure(journal, f);
        } catch (IllegalArgumentException e) {
            throw new MigrationException("the plan cannot run: " + e.getMessage() + "; make a new plan", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while running the plan's steps");
        } finally {
            try {
                runVolumes.releaseAll();
            } catch (IOException e) {
                events.note("releasing a datapath at the end of the run failed: " + oneLine(e));
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutting down: the hook runs.
            }
        }
        return written[0];
    }

    /**
     * What a failed run reports: the first step that failed. Every step that ran out of space has
     * its half-written volume destroyed first (after every running step finished, so nothing
     * writes into it any more).
     */
    private StepFailure failure(Journal journal, StepScheduler.Failed f) throws IOException {
        try {
            runVolumes.releaseAll();
        } catch (IOException e) {
            // The out-of-space handling releases again; other failures are what matters.
        }
        StepFailure first = null;
        for (StepScheduler.Failure one : f.all) {
            Step s = (Step) one.item();
            Throwable x = one.cause();
            StepFailure sf;
            if (OutOfSpace.is(x)) {
                sf = new StepFailure(s, outOfSpace(journal, s, x));
            } else {
                sf = new StepFailure(s, new MigrationException("step " + s.id() + " failed: " + oneLine(x)
                        + ". Every finished step is journaled in " + journal.path()
                        + "; run the same command again to resume", x));
            }
            if (first == null) {
                first = sf;
            }
        }
        return first;
    }

    /**
     * The target filled up during {@code s}: the volume it wrote into is destroyed (its datapath
     * was released when the copy's attachment closed) and its journaled steps taken back, so no
     * half-written volume stays; the failure is journaled with the bytes the plan still needs, so
     * the next run can refuse at once while the SR is still short.
     */
    private MigrationException outOfSpace(Journal journal, Step s, Throwable x) throws IOException {
        String key = state.made.get(s.volume());
        String what;
        if (key == null) {
            what = "no volume was left half-written";
        } else {
            try {
                // The copy's attachment was closed, but releasing can fail on a full SR: again, to be sure.
                StaleAttachment.release(target.root(), target.plugin().volumeStat(target.sr(), key), domain);
                target.plugin().volumeDestroy(target.sr(), key);
                List<String> undo = new ArrayList<>();
                for (Step t : plan.steps()) {
                    if (t.volume().equals(s.volume()) && state.done.containsKey(t.id())) {
                        undo.add(t.id());
                    }
                }
                journal.append(JournalEntry.event(JournalEntry.UNDONE, key, undo, "volume destroyed after the target"
                        + " ran out of space", null, null));
                state.undo(undo);
                what = "the half-written volume " + key + " was destroyed";
            } catch (IOException e) {
                what = "the half-written volume " + key + " could not be destroyed (" + oneLine(e) + ") and stays"
                        + " marked " + VolumeKeys.STATE + "=" + VolumeKeys.INCOMPLETE;
            }
        }
        long need = stillNeeded();
        Long free = null;
        try {
            free = target.plugin().has("SR.stat") ? target.plugin().srStat(target.sr()).freeSpace() : null;
        } catch (IOException e) {
            // The failure is what matters; the free space is only for the message.
        }
        journal.append(JournalEntry.event(JournalEntry.FAILED, key, List.of(s.id()), JournalEntry.OUT_OF_SPACE, need,
                free));
        return new MigrationException("out of space on " + target.describe() + " during step " + s.id()
                + " (ENOSPC): the plan still needs about " + Sizes.human(need) + ", the SR has "
                + (free == null ? "an unknown amount" : Sizes.human(free)) + " free; " + what
                + ". Free space on the SR, then run the same command again", x);
    }

    /** A run must be able to mark its volumes and find them again. */
    private void checkTarget() throws IOException {
        for (String needed : List.of("Volume.set", "SR.ls")) {
            if (!target.plugin().has(needed)) {
                throw new MigrationException("volume plugin " + target.plugin().name() + " has no " + needed
                        + ": the volumes of a plan run could not be marked, found again after an interruption"
                        + " or told incomplete from complete");
            }
        }
    }

    /** Carries a step's failure out of the loop to the one place that reports it. */
    private static final class StepFailure extends RuntimeException {
        final transient Step step;
        final MigrationException failure;

        StepFailure(Step step, MigrationException failure) {
            super(failure.getMessage(), failure, false, false);
            this.step = step;
            this.failure = failure;
        }
    }

    private static boolean moves(Step s) {
        return s instanceof CopyExtents || s instanceof VerifyVolume;
    }

    /** The source must still be the SR the plan was made from, its images as they were. */
    private void checkSource(SrInventory inv) throws MigrationException {
        if (plan.source().uuid() != null && !plan.source().uuid().equals(inv.uuid())) {
            throw new RunRefused("the source given is SR " + inv.uuid() + " (" + inv.path()
                    + "), the plan was made for SR " + plan.source().uuid());
        }
        for (Step s : plan.steps()) {
            List<String> images = s instanceof CopyExtents c ? c.chain()
                    : s instanceof VerifyVolume v ? List.of(v.source()) : List.of();
            for (String uuid : images) {
                SourceNode n = nodes.get(uuid);
                VdiEntry now = inv.vdi(uuid);
                if (n == null || now == null || now.virtualSize() != n.virtualSize()
                        || now.allocatedBytes() != n.allocatedBytes() || !Objects.equals(now.parent(), n.parent())) {
                    throw new RunRefused("the source changed since the plan was made: image " + uuid
                            + (now == null ? " is gone" : " now has size " + now.virtualSize() + ", "
                            + now.allocatedBytes() + " bytes allocated, parent " + now.parent())
                            + "; make a new plan");
                }
            }
        }
    }

    /** The step's kind as the plan file names it: {@code create-volume}, {@code copy-extents}, ... */
    public static String kindOf(Step s) {
        return KINDS.get(s.getClass());
    }

    /** Step kinds by class, as the plan file names them ({@code create-volume}, ...). */
    private static final Map<Class<?>, String> KINDS = new HashMap<>();

    static {
        for (JsonSubTypes.Type t : Step.class.getAnnotation(JsonSubTypes.class).value()) {
            KINDS.put(t.value(), t.name());
        }
    }

    private RunSummary summary(Path journalPath, int run, int rechecked, long runWritten, long start,
                               List<String> notes) {
        long read = 0;
        long written = 0;
        List<String> manifests = new ArrayList<>();
        for (JournalEntry e : state.done.values()) {
            read += e.bytesWritten() == null || e.bytesRead() == null ? 0 : e.bytesRead();
            written += e.bytesWritten() == null ? 0 : e.bytesWritten();
            if (e.manifest() != null) {
                manifests.add(e.manifest());
            }
        }
        List<String> volumes = new ArrayList<>();
        for (Step s : plan.steps()) {
            if (s.volume().equals(s.id()) && state.made.containsKey(s.id())) {
                volumes.add(state.made.get(s.id()));
            }
        }
        List<CallLog.Call> calls = CallLog.process().since(callsFrom);
        double callSeconds = calls.stream().mapToDouble(CallLog.Call::seconds).sum();
        return new RunSummary(plan.id(), journalPath.toString(), plan.steps().size(), run, rechecked, volumes, read,
                written, runWritten, (System.nanoTime() - start) / 1e9, manifests, notes, options.jobs(),
                calls.size(), callSeconds, RunSummary.byMethod(CallLog.process().tally(callsFrom)));
    }

    /** Shutdown hook (Ctrl-C, SIGTERM): release what is attached, then say how to resume, in one line. */
    private void interrupted() {
        RunProgress p = progress;
        String step = p == null ? null : p.currentStep();
        if (runVolumes != null) {
            runVolumes.releaseOnInterrupt(new PluginRoot(target.root().path(), Duration.ofSeconds(30)));
        }
        // Straight to the process's stderr (the CLI's streams may be gone by now), so escaped here.
        System.err.println(TerminalText.escape("smapi-migrate: interrupted" + (step == null ? "" : " during step "
                + step) + "; every finished step is journaled in " + Journal.beside(planFile) + ". To resume: "
                + options.resumeCommand()));
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String now() {
        return Instant.now().toString();
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage();
        return (m == null || m.isBlank() ? t.getClass().getSimpleName() : m).replace('\n', ' ');
    }
}
