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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.smapimigrate.datapath.VolumeAttachment;
import org.smapimigrate.disk.CopyStats;
import org.smapimigrate.disk.DiskCopy;
import org.smapimigrate.disk.DiskSink;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.migrate.MigrationException;
import org.smapimigrate.migrate.StaleAttachment;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.plan.CloneVolume;
import org.smapimigrate.plan.CopyExtents;
import org.smapimigrate.plan.CopyScope;
import org.smapimigrate.plan.CreateVolume;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.ResizeVolume;
import org.smapimigrate.plan.SetMetadata;
import org.smapimigrate.plan.SnapshotVolume;
import org.smapimigrate.plan.SourceNode;
import org.smapimigrate.plan.Step;
import org.smapimigrate.plan.VerifyVolume;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.plan.VolumePurpose;
import org.smapimigrate.plugin.PluginCallException;
import org.smapimigrate.plugin.PluginFailure;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.plugin.VolumePlugin;
import org.smapimigrate.verify.DigestComparison;
import org.smapimigrate.verify.DiskDigest;
import org.smapimigrate.verify.DiskHasher;
import org.smapimigrate.verify.Manifest;
import org.smapimigrate.verify.ManifestFile;

/**
 * Runs a plan exactly as planned, step by step in plan order, with a {@link Journal} beside the
 * plan file: one durable line per finished step, holding what it made (volume key and uuid),
 * moved (bytes) and proved (digest).
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
 * volumes as they are, for a re-run to finish.
 */
public final class PlanExecutor {
    private final Plan plan;
    private final Path planFile;
    private final StorageRepository source;
    private final TargetSr target;
    private final Path manifestDir;
    private final String tool;
    private final RunEvents events;
    private final String domain;
    private final PausePoint pause = PausePoint.configured();

    /** The plan's steps by id, the metadata step of each volume, the source images by uuid. */
    private final Map<String, Step> steps = new HashMap<>();
    private final Map<String, SetMetadata> metadataOf = new HashMap<>();
    private final Map<String, SourceNode> nodes = new HashMap<>();
    /** Journaled steps by id, and the volume key each volume-making step made. */
    private final Map<String, JournalEntry> done = new LinkedHashMap<>();
    private final Map<String, String> made = new HashMap<>();
    private final AtomicReference<Volume> attached = new AtomicReference<>();
    private RunProgress progress;

    /**
     * @param plan        the plan, as read from {@code planFile}
     * @param source      its source SR, opened read-only
     * @param target      its target SR, attached
     * @param manifestDir where the manifests of the plan's VDIs go
     * @param tool        the smapi-migrate version, for the journal and manifests
     */
    public PlanExecutor(Plan plan, Path planFile, StorageRepository source, TargetSr target, Path manifestDir,
                        String tool, RunEvents events) {
        this.plan = Objects.requireNonNull(plan);
        this.planFile = planFile;
        this.source = source;
        this.target = target;
        this.manifestDir = manifestDir;
        this.tool = tool;
        this.events = events;
        this.domain = domainFor(plan);
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
            readJournal(journal, planSha);
            checkSource(source.inventory());
            checkTarget();
            List<String> notes = new ArrayList<>();
            if (journal.tornTailCut()) {
                notes.add("the journal's last line was torn by an interruption and was cut off; its step runs again");
                events.note(notes.get(0));
            }
            journal.append(JournalEntry.run(now(), plan.id(), planSha, tool));
            progress = new RunProgress(plan.steps().stream().filter(PlanExecutor::moves).mapToLong(Step::bytes).sum());
            int before = done.size();
            events.runStarted(plan, plan.steps().size(), before, progress);
            for (Step s : plan.steps()) {
                if (done.containsKey(s.id()) && moves(s)) {
                    progress.finish(s.bytes());
                }
            }
            PlanVolumes volumes = new PlanVolumes(plan, target, domain);
            notes.addAll(volumes.reconcile(done, made, events));
            long runWritten = runSteps(journal);
            notes.addAll(volumes.sweep(made, events));
            RunSummary summary = summary(journalPath, done.size() - before, before, runWritten, start, notes);
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

    /** Every step without a journal line, in plan order; returns the bytes this run wrote. */
    private long runSteps(Journal journal) throws IOException {
        long written = 0;
        int index = 0;
        Thread hook = new Thread(this::interrupted, "smapi-migrate-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            for (Step s : plan.steps()) {
                index++;
                if (done.containsKey(s.id())) {
                    continue;
                }
                events.stepStarted(s, index, plan.steps().size());
                JournalEntry e;
                try {
                    e = execute(s);
                } catch (IOException | RuntimeException x) {
                    throw new StepFailure(s, new MigrationException("step " + s.id() + " failed: " + oneLine(x)
                            + ". Every finished step is journaled in " + journal.path()
                            + "; run the same command again to resume", x));
                }
                PausePoint.reached(pause, "done", s.id());
                journal.append(e);
                PausePoint.reached(pause, "journaled", s.id());
                record(s, e);
                written += e.bytesWritten() == null ? 0 : e.bytesWritten();
                progress.finish(moves(s) ? s.bytes() : 0);
                events.stepDone(s, e);
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutting down: the hook runs.
            }
        }
        return written;
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

    private void record(Step s, JournalEntry e) {
        done.put(s.id(), e);
        if (makesVolume(s)) {
            made.put(s.id(), e.volumeKey());
        }
    }

    private static boolean makesVolume(Step s) {
        return s.volume().equals(s.id());
    }

    private static boolean moves(Step s) {
        return s instanceof CopyExtents || s instanceof VerifyVolume;
    }

    /** Takes in what earlier runs journaled; refuses a journal of another plan or of a changed plan file. */
    private void readJournal(Journal journal, String planSha) throws MigrationException {
        for (JournalEntry e : journal.entries()) {
            if (!e.isStep()) {
                if (!plan.id().equals(e.planId()) || !planSha.equals(e.planSha256())) {
                    throw new MigrationException(journal.path() + " was started for " + (plan.id().equals(e.planId())
                            ? "a different version of " + planFile + " (SHA-256 " + e.planSha256() + ")"
                            : "another plan (" + e.planId() + ")") + "; a run must follow the plan its journal records."
                            + " Restore that plan file, or move the journal away to start over");
                }
                continue;
            }
            Step s = steps.get(e.step());
            if (s == null) {
                throw new MigrationException(journal.path() + " records step " + e.step() + ", which " + planFile
                        + " does not have");
            }
            record(s, e);
        }
    }

    /** The source must still be the SR the plan was made from, its images as they were. */
    private void checkSource(SrInventory inv) throws MigrationException {
        if (plan.source().uuid() != null && !plan.source().uuid().equals(inv.uuid())) {
            throw new MigrationException("the source given is SR " + inv.uuid() + " (" + inv.path()
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
                    throw new MigrationException("the source changed since the plan was made: image " + uuid
                            + (now == null ? " is gone" : " now has size " + now.virtualSize() + ", "
                            + now.allocatedBytes() + " bytes allocated, parent " + now.parent())
                            + "; make a new plan");
                }
            }
        }
    }

    private JournalEntry execute(Step s) throws IOException {
        long t0 = System.nanoTime();
        StepOutcome o;
        if (s instanceof CreateVolume c) {
            o = create(c);
        } else if (s instanceof SnapshotVolume n) {
            o = derive(n, target.plugin().volumeSnapshot(target.sr(), key(n.of())), n.keys());
        } else if (s instanceof CloneVolume c) {
            o = derive(c, target.plugin().volumeClone(target.sr(), key(c.of())), c.keys());
        } else if (s instanceof ResizeVolume r) {
            o = resize(r);
        } else if (s instanceof CopyExtents c) {
            o = copy(c);
        } else if (s instanceof VerifyVolume v) {
            o = verify(v);
        } else {
            o = metadata((SetMetadata) s);
        }
        return JournalEntry.step(s, kindOf(s), (System.nanoTime() - t0) / 1e9, o);
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

    private String key(String volumeStep) throws MigrationException {
        String k = made.get(volumeStep);
        if (k == null) {
            throw new MigrationException("no volume was made by step " + volumeStep + " (the plan's order is broken)");
        }
        return k;
    }

    /** Volume.create with the plan's marker in the description, then the keys, plan id and state first. */
    private StepOutcome create(CreateVolume c) throws IOException {
        VolumePlugin p = target.plugin();
        Volume v = p.volumeCreate(target.sr(), c.name(), c.description() + " " + PlanVolumes.marker(plan.id()),
                c.size(), false);
        PausePoint.reached(pause, "created", c.id());
        setKeys(v.key(), c.keys(), Map.of());
        return StepOutcome.on(v.key(), uuidOf(v));
    }

    /** A snapshot or clone: the plugin copied the origin's keys; they become this volume's own at once. */
    private StepOutcome derive(Step step, Volume v, Map<String, String> keys) throws IOException {
        PausePoint.reached(pause, "created", step.id());
        setKeys(v.key(), keys, v.keys());
        for (String k : v.keys().keySet()) {
            if (!keys.containsKey(k) && !k.equals(VolumeKeys.PLAN)) {
                target.plugin().volumeUnset(target.sr(), v.key(), k);
            }
        }
        return StepOutcome.on(v.key(), uuidOf(v));
    }

    /** The uuid XAPI will give the VDI; a plugin that gives none is journaled with the key. */
    private static String uuidOf(Volume v) {
        return v.uuid() != null ? v.uuid() : v.key();
    }

    /** Sets {@code keys} (this plan's id and the state first), skipping those that already hold. */
    private void setKeys(String key, Map<String, String> keys, Map<String, String> present) throws IOException {
        Map<String, String> ordered = new LinkedHashMap<>();
        ordered.put(VolumeKeys.PLAN, plan.id());
        if (keys.containsKey(VolumeKeys.STATE)) {
            ordered.put(VolumeKeys.STATE, keys.get(VolumeKeys.STATE));
        }
        ordered.put(VolumeKeys.MADE_BY_STEP, keys.get(VolumeKeys.MADE_BY_STEP));
        ordered.putAll(new TreeMap<>(keys));
        for (Map.Entry<String, String> kv : ordered.entrySet()) {
            if (kv.getValue() != null && !kv.getValue().equals(present.get(kv.getKey()))) {
                target.plugin().volumeSet(target.sr(), key, kv.getKey(), kv.getValue());
            }
        }
    }

    private StepOutcome resize(ResizeVolume r) throws IOException {
        String key = key(r.volume());
        Volume v = target.plugin().volumeStat(target.sr(), key);
        if (v.virtualSize() < r.toSize()) {
            target.plugin().volumeResize(target.sr(), key, r.toSize());
        }
        return StepOutcome.on(key, null);
    }

    private StepOutcome copy(CopyExtents c) throws IOException {
        String key = key(c.volume());
        Volume v = target.plugin().volumeStat(target.sr(), key);
        if (v.virtualSize() < c.sourceSize()) {
            throw new MigrationException("volume " + v.describe() + " has " + v.virtualSize() + " bytes, "
                    + c.source() + " needs " + c.sourceSize());
        }
        boolean flattened = c.scope() == CopyScope.FLATTENED_CHAIN;
        // Only a volume nothing but its creation came before reads as zeros where unwritten; a
        // redone copy into it rewrites the same bytes, so that stays true on a resumed run.
        boolean fresh = flattened && steps.get(c.volume()) instanceof CreateVolume
                && c.after().equals(List.of(c.volume()));
        DiskCopy copy = flattened ? DiskCopy.standard() : DiskCopy.standard().overlay();
        CopyStats stats;
        try (VirtualDisk disk = flattened ? source.openVdi(c.source()) : source.openOwnSectors(c.source())) {
            if (disk.size() != c.sourceSize()) {
                throw new MigrationException("source image " + c.source() + " has " + disk.size()
                        + " bytes, the plan says " + c.sourceSize() + "; make a new plan");
            }
            progress.start(c.id(), c.bytes(), disk.size(), copy::bytesDone);
            try (VolumeAttachment a = attach(v);
                 DiskSink sink = PausePoint.watch(pause, c.id(), a.openSink(disk.size(), fresh))) {
                stats = copy.copy(disk, sink, null);
                sink.flush();
            } finally {
                attached.set(null);
            }
        }
        return StepOutcome.copied(key, stats.readBytes(), stats.writtenBytes(), stats.zeroBytes());
    }

    private VolumeAttachment attach(Volume v) throws IOException {
        attached.set(v);
        return VolumeAttachment.attach(target.root(), v, domain);
    }

    /**
     * Hashes the source image read through its chain and the volume read back through its
     * datapath, compares, records the digest on the volume and, for a VDI's volume, writes its
     * manifest.
     */
    private StepOutcome verify(VerifyVolume vv) throws IOException {
        String key = key(vv.volume());
        Volume v = target.plugin().volumeStat(target.sr(), key);
        String started = now();
        DiskCopy sourceSide = DiskCopy.standard();
        DiskCopy targetSide = DiskCopy.standard();
        progress.start(vv.id(), vv.bytes(), 2 * vv.size(), () -> sourceSide.bytesDone() + targetSide.bytesDone());
        DiskDigest expected;
        try (VirtualDisk disk = source.openVdi(vv.source())) {
            if (disk.size() != vv.size()) {
                throw new MigrationException("source image " + vv.source() + " has " + disk.size()
                        + " bytes, the plan says " + vv.size() + "; make a new plan");
            }
            expected = new DiskHasher(sourceSide).digest(disk);
        }
        DiskDigest actual;
        String uri;
        String implementation;
        try (VolumeAttachment a = attach(v); VirtualDisk back = a.openReader(vv.size())) {
            actual = new DiskHasher(targetSide).digest(back);
            uri = a.uri();
            implementation = a.describeImplementation();
        } finally {
            attached.set(null);
        }
        DigestComparison comparison = expected.compare(actual);
        if (!comparison.matches()) {
            throw new MigrationException("volume " + v.describe() + " read back through " + uri + " differs from "
                    + vv.source() + " read through its chain: " + comparison.describe());
        }
        target.plugin().volumeSet(target.sr(), key, VolumeKeys.DIGEST, expected.whole());
        String manifest = null;
        if (purposeOf(vv.volume()) == VolumePurpose.VDI) {
            manifest = writeManifest(vv, v, expected, actual, comparison, uri, implementation, started).toString();
        }
        return StepOutcome.verified(key, expected.whole(), manifest);
    }

    private VolumePurpose purposeOf(String volumeStep) {
        Step s = steps.get(volumeStep);
        if (s instanceof CreateVolume c) {
            return c.purpose();
        }
        return s instanceof SnapshotVolume n ? n.purpose() : VolumePurpose.VDI;
    }

    private Path writeManifest(VerifyVolume vv, Volume v, DiskDigest expected, DiskDigest actual,
                               DigestComparison comparison, String uri, String implementation, String started)
            throws IOException {
        SourceNode n = nodes.get(vv.source());
        SetMetadata meta = metadataOf.get(vv.volume());
        String name = meta != null ? meta.name() : v.name();
        String finished = now();
        Manifest m = new Manifest(Manifest.FORMAT, tool, started, finished,
                new Manifest.Source(plan.source().path(), plan.source().type(), plan.source().uuid(), vv.source(),
                        n.name(), n.role(), vv.size()),
                new Manifest.Target(target.root().path().toString(), target.plugin().name(), target.configuration(),
                        target.sr(), v.key(), v.uuid(), name, v.virtualSize(), uri, implementation),
                expected, Manifest.Verification.of(comparison, actual, finished));
        Path path = manifestDir.resolve(vv.source() + ".manifest.json").toAbsolutePath();
        ManifestFile.write(path, m);
        return path;
    }

    /** Name, description, then every key, and the state ({@value VolumeKeys#COMPLETE}) last of all. */
    private StepOutcome metadata(SetMetadata m) throws IOException {
        String key = key(m.volume());
        VolumePlugin p = target.plugin();
        Volume v = p.volumeStat(target.sr(), key);
        optional(() -> p.volumeSetName(target.sr(), key, m.name()));
        optional(() -> p.volumeSetDescription(target.sr(), key, m.description()));
        Map<String, String> keys = new TreeMap<>(m.keys());
        if (m.snapshotOf() != null) {
            keys.put(VolumeKeys.SNAPSHOT_OF, key(m.snapshotOf()));
        }
        String state = keys.remove(VolumeKeys.STATE);
        setKeys(key, keys, v.keys());
        p.volumeSet(target.sr(), key, VolumeKeys.STATE, state);
        return StepOutcome.on(key, null);
    }

    private interface PluginCall {
        void run() throws IOException;
    }

    /** Volume.set_name and set_description are optional in plugins (interface doc section 6). */
    private void optional(PluginCall call) throws IOException {
        try {
            call.run();
        } catch (PluginCallException e) {
            if (e.failure() != PluginFailure.MISSING_METHOD) {
                throw e;
            }
        }
    }

    private RunSummary summary(Path journalPath, int run, int rechecked, long runWritten, long start,
                               List<String> notes) {
        long read = 0;
        long written = 0;
        List<String> manifests = new ArrayList<>();
        for (JournalEntry e : done.values()) {
            read += e.bytesWritten() == null || e.bytesRead() == null ? 0 : e.bytesRead();
            written += e.bytesWritten() == null ? 0 : e.bytesWritten();
            if (e.manifest() != null) {
                manifests.add(e.manifest());
            }
        }
        List<String> volumes = new ArrayList<>();
        for (Step s : plan.steps()) {
            if (makesVolume(s) && made.containsKey(s.id())) {
                volumes.add(made.get(s.id()));
            }
        }
        return new RunSummary(plan.id(), journalPath.toString(), plan.steps().size(), run, rechecked, volumes, read,
                written, runWritten, (System.nanoTime() - start) / 1e9, manifests, notes);
    }

    /** Shutdown hook (Ctrl-C, SIGTERM): release what is attached; the journal already holds the rest. */
    private void interrupted() {
        RunProgress p = progress;
        String step = p == null ? null : p.currentStep();
        Volume v = attached.get();
        if (v != null) {
            StaleAttachment.release(new PluginRoot(target.root().path(), Duration.ofSeconds(30)), v, domain);
        }
        System.err.println("smapi-migrate: interrupted" + (step == null ? "" : " during step " + step)
                + "; every finished step is journaled in " + Journal.beside(planFile)
                + ": run the same command again to resume");
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

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        return (m == null || m.isBlank() ? t.getClass().getSimpleName() : m).replace('\n', ' ');
    }
}
