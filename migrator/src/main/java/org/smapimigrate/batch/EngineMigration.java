package org.smapimigrate.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
import org.smapimigrate.plan.PlanTarget;
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
    private final Map<String, TokenBucket> buckets = new HashMap<>();
    /** Units this process ran (or rechecked), by plan file, with bytes not yet reported for a volume. */
    private final Map<Path, long[]> ran = new ConcurrentHashMap<>();

    /**
     * @param targets the job's target as a plan records it (the command line's target choice)
     * @param events  what the engine tells about each step (none, or the console with --debug)
     */
    public EngineMigration(HostSources sources, Function<Job, PlanTarget> targets, Duration callLimit,
                           RunEvents events) {
        this.sources = sources;
        this.targets = targets;
        this.callLimit = callLimit;
        this.events = events;
    }

    /** One plan's worth: the source, the VDIs moved together, and where their plan is kept. */
    private record Unit(StorageRepository source, List<String> sourcePaths, List<String> vdis, PlanTarget target,
                        StateDirectory states, Path planFile) {
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
        return new Unit(source, paths, vdis, target, states, planFile);
    }

    /**
     * The engine's hook every source read of the job's volumes passes through: one token bucket
     * per job for the whole run, shared by the job's concurrent volumes (jobs run one after the
     * other, so at any time the run reads at most the running job's rate). The same mechanism as
     * {@code migrate --bandwidth}.
     */
    private synchronized SourceLimit limit(Job job) {
        if (job.bandwidth().isEmpty()) {
            return SourceLimit.NONE;
        }
        return RateLimitedDisk.through(
                buckets.computeIfAbsent(job.name(), n -> TokenBucket.ofRate(job.bandwidth().getAsLong())));
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
        RunSummary s = VdiRun.migrate(u.source(), u.sourcePaths(), u.vdis(), u.target(), callLimit, u.states(),
                events, new LinkedHashSet<>(job.force()), 1, limit(job));
        ran.put(u.planFile(), new long[] {s.runBytesWritten()});
        return s.runBytesWritten();
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
