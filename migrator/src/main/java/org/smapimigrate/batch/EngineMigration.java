package org.smapimigrate.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.smapimigrate.execute.RunEvents;
import org.smapimigrate.execute.RunSummary;
import org.smapimigrate.execute.SourceLimit;
import org.smapimigrate.execute.StateDirectory;
import org.smapimigrate.execute.VdiRun;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.migrate.BundledPluginRoot;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.plan.PlanTarget;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.verify.DiskDigest;
import org.smapimigrate.verify.Manifest;
import org.smapimigrate.verify.ManifestFile;

/**
 * The real engine behind a batch: a volume is moved by {@link VdiRun#migrate} with its unit (the
 * selected VDIs of its snapshot tree, see {@link SourceSelection}) into the job's target, the plan,
 * journal and manifests kept in the job's engine directory. So a volume cut off by a kill resumes
 * from the engine's journal, and a finished plan run again is only rechecked on the target (the
 * journaled steps' volumes and keys, a few plugin calls): nothing is copied twice.
 *
 * <p>The digest recorded for a volume is the one in its manifest, which the engine writes only
 * after reading the volume back through its datapath and comparing it with the source.
 */
public final class EngineMigration implements VolumeMigration {
    private final HostSources sources;
    private final Function<Job, PlanTarget> targets;
    private final Duration callLimit;
    private final RunEvents events;
    /** Each job's bandwidth limit for the run ({@link JobBandwidth}). */
    private final Function<Job, SourceLimit> limits;
    /** Units this process ran (or rechecked), by plan file, with bytes not yet reported for a volume. */
    private final Map<Path, long[]> ran = new ConcurrentHashMap<>();

    /**
     * @param targets the job's target as a plan records it (the command line's target choice)
     * @param events  what the engine tells about each step (none, or the console with --debug)
     */
    public EngineMigration(HostSources sources, Function<Job, PlanTarget> targets, Duration callLimit,
                           RunEvents events) {
        this(sources, targets, callLimit, events, new JobBandwidth()::of);
    }

    /** @param limits what each job's source reads pass through (tests time the reads behind it) */
    public EngineMigration(HostSources sources, Function<Job, PlanTarget> targets, Duration callLimit,
                           RunEvents events, Function<Job, SourceLimit> limits) {
        this.sources = sources;
        this.targets = targets;
        this.callLimit = callLimit;
        this.events = events;
        this.limits = limits;
    }

    /** One plan's worth: the source, the VDIs moved together, and where their plan is kept. */
    private record Unit(StorageRepository source, List<String> sourcePaths, List<String> vdis, PlanTarget target,
                        Path engineState, StateDirectory states, Path planFile) {
    }

    private Unit unit(Job job, String sr, String vdi, Path engineState) throws IOException {
        StorageRepository source = sources.open(sr);
        SourceSelection sel = SourceSelection.of(job, source);
        if (!sel.selected().contains(vdi)) {
            throw new IOException(sr + " holds no selected VDI " + vdi + " any more; 'smapi-migrate scan' lists"
                    + " what it holds");
        }
        List<String> vdis = sel.unitOf(vdi);
        PlanTarget target = targets.apply(job);
        StateDirectory states = new StateDirectory(engineState);
        String srId = sel.inventory().uuid() != null ? sel.inventory().uuid() : sel.inventory().path();
        Path planFile = states.planFor(srId, vdis, target, false);
        List<String> paths = List.of(sources.where(sr).toAbsolutePath().normalize().toString());
        return new Unit(source, paths, vdis, target, engineState, states, planFile);
    }

    /**
     * Runs the unit's plan unless this process did already, under its {@link PlanLock}; returns
     * the bytes the run wrote.
     */
    private long run(Unit u, Job job) throws IOException {
        try (PlanLock lock = PlanLock.take(u.planFile())) {
            return runLocked(u, job);
        }
    }

    private long runLocked(Unit u, Job job) throws IOException {
        if (ran.containsKey(u.planFile())) {
            return 0;
        }
        bundledTargetMade(u);
        RunSummary s = VdiRun.migrate(u.source(), u.sourcePaths(), u.vdis(), u.target(), callLimit, u.states(),
                events, new LinkedHashSet<>(job.force()), 1, limits.apply(job));
        ran.put(u.planFile(), new long[] {s.runBytesWritten()});
        return s.runBytesWritten();
    }

    /**
     * Makes the job's bundled target SR if it does not exist yet, once. Two plans starting at once
     * on a missing one (a job's concurrency, or two hosts) would each SR.create it, and the plugin
     * refuses the second (SR_BACKEND_FAILURE_103, an SR already exists): so the SR is made under a
     * lock in the state directory the hosts share, and the runs find it made.
     */
    private void bundledTargetMade(Unit u) throws IOException {
        String sr = u.target().bundledSr();
        if (sr == null || BundledPluginRoot.srExists(Path.of(sr))) {
            return;
        }
        Path key = u.engineState().resolve("bundled-sr-" + shortHash(sr));
        try (PlanLock lock = PlanLock.take(key)) {
            if (!BundledPluginRoot.srExists(Path.of(sr))) {
                TargetSr.openBundled(new PluginRoot(Path.of(u.target().pluginRoot()), callLimit), Path.of(sr));
            }
        }
    }

    private static String shortHash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Done migrate(Job job, String sr, String vdi, Path engineState) throws IOException {
        Unit u = unit(job, sr, vdi, engineState);
        run(u, job);
        long[] unreported = ran.get(u.planFile());
        long bytes;
        synchronized (unreported) {
            bytes = unreported[0];
            unreported[0] = 0; // the unit's bytes are counted once, with the first of its volumes
        }
        return new Done(digest(u, vdi), bytes);
    }

    /**
     * The engine's recheck of the finished plan (the target volumes still there, with the keys the
     * journal says), then the manifest's digest against the recorded one. A recheck that had to
     * redo work answers no: the volume is then recorded again with the bytes that took.
     */
    @Override
    public boolean stillDone(Job job, VolumeState recorded, Path engineState) throws IOException {
        Unit u = unit(job, recorded.sr(), recorded.vdi(), engineState);
        long wrote = run(u, job);
        return wrote == 0 && digest(u, recorded.vdi()).equals(recorded.digest());
    }

    /** {@code ALGORITHM:hex} from the volume's manifest. */
    private static String digest(Unit u, String vdi) throws IOException {
        Path m = StateDirectory.manifestsOf(u.planFile()).resolve(vdi + ".manifest.json");
        if (!Files.isRegularFile(m)) {
            throw new IOException("the run of " + u.planFile().getFileName() + " ended without the manifest of "
                    + vdi + " (" + m + ")");
        }
        Manifest manifest = ManifestFile.read(m);
        if (!vdi.equals(manifest.source().vdiUuid())) {
            throw new IOException(m + " speaks for VDI " + manifest.source().vdiUuid() + ", not " + vdi);
        }
        return DiskDigest.ALGORITHM + ":" + manifest.digest().whole();
    }
}
