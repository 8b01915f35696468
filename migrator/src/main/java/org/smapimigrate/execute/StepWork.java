package org.smapimigrate.execute;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.smapimigrate.datapath.VolumeAttachment;
import org.smapimigrate.disk.CopyStats;
import org.smapimigrate.disk.DiskCopy;
import org.smapimigrate.disk.DiskSink;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.migrate.MigrationException;
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
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.plugin.VolumePlugin;
import org.smapimigrate.verify.BlockChecker;
import org.smapimigrate.verify.BlockChecks;
import org.smapimigrate.verify.BlockDigester;
import org.smapimigrate.verify.DigestComparison;
import org.smapimigrate.verify.DiskDigest;
import org.smapimigrate.verify.DiskHasher;
import org.smapimigrate.verify.Manifest;
import org.smapimigrate.verify.ManifestFile;

/**
 * What each kind of step does on the target, one method per kind; {@link PlanExecutor} decides
 * which steps run and journals them. Every method is safe to redo after a kill (see the
 * executor's class comment).
 */
final class StepWork {
    private final Plan plan;
    private final StorageRepository source;
    private final TargetSr target;
    private final Path manifestDir;
    private final String tool;
    private final String domain;
    private final PausePoint pause;
    private final Map<String, Step> steps;
    private final Map<String, SetMetadata> metadataOf;
    private final Map<String, SourceNode> nodes;
    private final Map<String, String> made;
    private final RunProgress progress;
    /** Stats and attachments of this run's volumes. */
    final RunVolumes volumes;
    /** Digests of the verified volumes by volume step, from the journal: they reach the volume with its metadata. */
    private final Map<String, String> digests;
    /** Each job's copy buffers, within the run's direct-memory budget. */
    private final CopyBudget budget;
    /** Wraps every source disk read (a bandwidth limit). */
    private final SourceLimit sourceLimit;
    /** The last copy or verify step of each volume: its attachment is released after it. */
    private final Map<String, String> lastDataStep = new java.util.HashMap<>();

    StepWork(Plan plan, StorageRepository source, TargetSr target, Path manifestDir, String tool, String domain,
             PausePoint pause, Map<String, Step> steps, Map<String, SetMetadata> metadataOf,
             Map<String, SourceNode> nodes, Map<String, String> made, RunProgress progress, RunVolumes volumes,
             Map<String, String> digests, int jobs, SourceLimit sourceLimit) {
        this.plan = plan;
        this.source = source;
        this.target = target;
        this.manifestDir = manifestDir;
        this.tool = tool;
        this.domain = domain;
        this.pause = pause;
        this.steps = steps;
        this.metadataOf = metadataOf;
        this.nodes = nodes;
        this.made = made;
        this.progress = progress;
        this.volumes = volumes;
        this.digests = digests;
        this.budget = new CopyBudget(jobs);
        this.sourceLimit = sourceLimit;
        for (Step s : plan.steps()) {
            if (s instanceof CopyExtents || s instanceof VerifyVolume) {
                lastDataStep.put(s.volume(), s.id());
            }
        }
    }

    /**
     * Does {@code s}. A volume stays attached from its first copy to its last copy or verify step;
     * any other step on it (or a snapshot or clone of it) runs with it released.
     */
    StepOutcome execute(Step s) throws IOException {
        boolean data = s instanceof CopyExtents || s instanceof VerifyVolume;
        if (!data) {
            releaseIfMade(s.volume());
            if (s instanceof SnapshotVolume n) {
                releaseIfMade(n.of());
            } else if (s instanceof CloneVolume c) {
                releaseIfMade(c.of());
            }
        }
        StepOutcome o = run(s);
        if (data && s.id().equals(lastDataStep.get(s.volume()))) {
            try {
                volumes.release(key(s.volume()));
            } catch (IOException | RuntimeException e) {
                // The step fails with its release: no manifest may speak for an unjournaled verification.
                if (o.manifest() != null) {
                    java.nio.file.Files.deleteIfExists(Path.of(o.manifest()));
                }
                throw e;
            }
        }
        return o;
    }

    private void releaseIfMade(String volumeStep) throws IOException {
        String k = made.get(volumeStep);
        if (k != null) {
            volumes.release(k);
        }
    }

    private StepOutcome run(Step s) throws IOException {
        if (s instanceof CreateVolume c) {
            return create(c);
        } else if (s instanceof SnapshotVolume n) {
            return derive(n, target.plugin().volumeSnapshot(target.sr(), key(n.of())), n.keys());
        } else if (s instanceof CloneVolume c) {
            return derive(c, target.plugin().volumeClone(target.sr(), key(c.of())), c.keys());
        } else if (s instanceof ResizeVolume r) {
            return resize(r);
        } else if (s instanceof CopyExtents c) {
            return copy(c);
        } else if (s instanceof VerifyVolume v) {
            return verify(v);
        }
        return metadata((SetMetadata) s);
    }

    String key(String volumeStep) throws MigrationException {
        String k = made.get(volumeStep);
        if (k == null) {
            throw new MigrationException("no volume was made by step " + volumeStep + " (the plan's order is broken)");
        }
        return k;
    }

    /**
     * Volume.create, the plan and step named in the description's in-progress marker, which comes
     * into being with the volume: no key is set until the metadata step (issue 10; see VolumeKeys).
     */
    private StepOutcome create(CreateVolume c) throws IOException {
        VolumePlugin p = target.plugin();
        Volume v = p.volumeCreate(target.sr(), c.name(), c.description() + " "
                + VolumeKeys.inProgress(plan.id(), c.id()), c.size(), false);
        if (target.createAnswersAsStat(v)) {
            volumes.known(v); // the bundled plugin's create answer is its stat record: no Volume.stat
        }
        PausePoint.reached(pause, "created", c.id());
        return StepOutcome.on(v.key(), uuidOf(v));
    }

    /**
     * A snapshot or clone: the plugin copied the origin's keys and description; XAPI's keys it does
     * not have as its own are unset, and its own record (plan, step, {@value VolumeKeys#INCOMPLETE})
     * is set at once, so it never passes for its origin.
     */
    private StepOutcome derive(Step step, Volume v, Map<String, String> keys) throws IOException {
        PausePoint.reached(pause, "created", step.id());
        Map<String, String> xapi = xapiKeys(keys);
        for (String k : v.keys().keySet()) {
            if (!k.equals(VolumeKeys.RECORD) && !xapi.containsKey(k)) {
                target.plugin().volumeUnset(target.sr(), v.key(), k);
            }
        }
        setEach(v.key(), xapi, v.keys());
        String record = VolumeKeys.pack(record(keys));
        if (!record.equals(v.keys().get(VolumeKeys.RECORD))) {
            target.plugin().volumeSet(target.sr(), v.key(), VolumeKeys.RECORD, record);
        }
        return StepOutcome.on(v.key(), uuidOf(v));
    }

    /** The uuid XAPI will give the VDI; a plugin that gives none is journaled with the key. */
    private static String uuidOf(Volume v) {
        return v.uuid() != null ? v.uuid() : v.key();
    }

    /** XAPI's keys among a step's keys: every one that is not ours. */
    private static Map<String, String> xapiKeys(Map<String, String> keys) {
        Map<String, String> m = new TreeMap<>();
        keys.forEach((k, v) -> {
            if (!VolumeKeys.isOurs(k)) {
                m.put(k, v);
            }
        });
        return m;
    }

    /** Our keys among a step's keys, with this plan's id: the value of {@value VolumeKeys#RECORD}. */
    private Map<String, String> record(Map<String, String> keys) {
        Map<String, String> m = new TreeMap<>();
        keys.forEach((k, v) -> {
            if (VolumeKeys.isOurs(k)) {
                m.put(k, v);
            }
        });
        m.put(VolumeKeys.PLAN, plan.id());
        return m;
    }

    /**
     * One Volume.set per key whose value differs from {@code present}; {@code is_a_snapshot=false}
     * only where a value is present, as XAPI's own VDI.create leaves the key out (absent is false).
     */
    private void setEach(String key, Map<String, String> keys, Map<String, String> present) throws IOException {
        for (Map.Entry<String, String> kv : keys.entrySet()) {
            String now = present.get(kv.getKey());
            if (kv.getValue() == null || kv.getValue().equals(now)) {
                continue;
            }
            if (kv.getKey().equals(VolumeKeys.IS_A_SNAPSHOT) && "false".equals(kv.getValue()) && now == null) {
                continue;
            }
            target.plugin().volumeSet(target.sr(), key, kv.getKey(), kv.getValue());
            volumes.keySet(key, kv.getKey(), kv.getValue());
        }
    }

    private StepOutcome resize(ResizeVolume r) throws IOException {
        String key = key(r.volume());
        Volume v = volumes.stat(key);
        if (v.virtualSize() < r.toSize()) {
            target.plugin().volumeResize(target.sr(), key, r.toSize());
            volumes.changed(key);
        }
        return StepOutcome.on(key, null);
    }

    private StepOutcome copy(CopyExtents c) throws IOException {
        String key = key(c.volume());
        Volume v = volumes.stat(key);
        if (v.virtualSize() < c.sourceSize()) {
            throw new MigrationException("volume " + v.describe() + " has " + v.virtualSize() + " bytes, "
                    + c.source() + " needs " + c.sourceSize());
        }
        boolean flattened = c.scope() == CopyScope.FLATTENED_CHAIN;
        // Only a volume nothing but its creation came before reads as zeros where unwritten; a
        // redone copy into it rewrites the same bytes, so that stays true on a resumed run.
        boolean fresh = flattened && steps.get(c.volume()) instanceof CreateVolume
                && c.after().equals(List.of(c.volume()));
        DiskCopy copy = flattened ? budget.copy() : budget.copy().overlay();
        CopyStats stats;
        // A flattened copy sees every byte of the disk: it hashes what it writes, from the same
        // buffers, so that the verify step need not read the source again (CopiedDigest).
        CopiedDigest.forget(manifestDir, c);
        try (VirtualDisk disk = sourceLimit.apply(flattened ? source.openVdi(c.source())
                : source.openOwnSectors(c.source()))) {
            if (disk.size() != c.sourceSize()) {
                throw new MigrationException("source image " + c.source() + " has " + disk.size()
                        + " bytes, the plan says " + c.sourceSize() + "; make a new plan");
            }
            BlockDigester digester = flattened ? new BlockDigester(disk.size()) : null;
            // The same pieces give the block checks the verify step compares the target with.
            BlockChecker checker = flattened ? new BlockChecker(disk.size()) : null;
            progress.start(c.id(), c.bytes(), disk.size(), copy::bytesDone);
            VolumeAttachment a = volumes.attachment(key);
            Thread keys = xapiKeysDuring(c, key);
            try (DiskSink sink = PausePoint.watch(pause, c.id(), a.openSink(disk.size(), fresh))) {
                stats = copy.copy(disk, sink, checker == null ? null : checker.alongside(digester));
                sink.flush(); // once per volume: the only fsync of the copy
            } finally {
                joinUninterruptibly(keys);
            }
            if (digester != null) {
                CopiedDigest.write(manifestDir, plan, c, digester.finish(), checker.finish());
            }
        }
        return StepOutcome.copied(key, stats.readBytes(), stats.writtenBytes(), stats.zeroBytes());
    }

    /**
     * XAPI's keys of the volume ({@code vdi-type} and the like, not {@code snapshot_of}, which
     * names another volume) set on a thread of their own while the data is copied: the plugin
     * process then costs no time of its own (issue 10), and no two plugin calls on the volume
     * overlap (the copy makes none). A key set here is recorded, so the metadata step does not
     * set it again; one that failed is left to the metadata step, which sets it or fails with
     * the plugin's error. An unfinished volume carrying XAPI's keys is still known as one by the
     * in-progress marker in its description. Null when there is nothing to set.
     */
    private Thread xapiKeysDuring(CopyExtents c, String key) throws IOException {
        SetMetadata m = metadataOf.get(c.volume());
        if (m == null) {
            return null;
        }
        Map<String, String> present = volumes.keys(key);
        Map<String, String> xapi = xapiKeys(m.keys());
        if (!needsSetting(xapi, present)) {
            return null;
        }
        Thread t = new Thread(() -> {
            try {
                setEach(key, xapi, present);
            } catch (IOException | RuntimeException e) {
                // The metadata step sets what is missing, and reports a failure of its own.
            }
        }, "xapi-keys");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static boolean needsSetting(Map<String, String> keys, Map<String, String> present) {
        for (Map.Entry<String, String> kv : keys.entrySet()) {
            String now = present.get(kv.getKey());
            boolean defaultFalse = kv.getKey().equals(VolumeKeys.IS_A_SNAPSHOT) && "false".equals(kv.getValue())
                    && now == null;
            if (kv.getValue() != null && !kv.getValue().equals(now) && !defaultFalse) {
                return true;
            }
        }
        return false;
    }

    private static void joinUninterruptibly(Thread t) {
        if (t == null) {
            return;
        }
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Hashes the source image read through its chain and the volume read back through its
     * datapath, compares, records the digest on the volume and, for a VDI's volume, writes its
     * manifest.
     */
    private StepOutcome verify(VerifyVolume vv) throws IOException {
        String key = key(vv.volume());
        Volume v = volumes.stat(key);
        String started = Instant.now().toString();
        DiskCopy sourceSide = budget.copy();
        DiskCopy targetSide = budget.copy();
        // A read-back against block checks of a file target is split between as many readers as
        // there are cores (at most 2 here: their buffers are the job's); NBD reads stay one stream.
        List<DiskCopy> readers = budget.readers(Math.min(2, Runtime.getRuntime().availableProcessors()));
        java.util.function.LongSupplier targetDone = () -> targetSide.bytesDone()
                + readers.stream().mapToLong(DiskCopy::bytesDone).sum();
        CopyExtents copied = CopiedDigest.copyProving(plan, vv);
        CopiedDigest recorded = copied == null ? null : CopiedDigest.read(manifestDir, plan, copied);
        DiskDigest expected = recorded == null ? null : recorded.digest();
        if (expected != null) {
            progress.start(vv.id(), vv.bytes(), vv.size(), targetDone);
        } else {
            progress.start(vv.id(), vv.bytes(), 2 * vv.size(), () -> sourceSide.bytesDone() + targetDone.getAsLong());
            expected = sourceDigest(vv, sourceSide);
        }
        DigestComparison comparison;
        Manifest.Verification verification;
        String uri;
        String implementation;
        VolumeAttachment a = volumes.attachment(key);
        try (VirtualDisk back = a.openReader(vv.size())) {
            String checkedAt;
            if (recorded != null && recorded.checks() != null) {
                // The copy's digest is the source's; the target only has to show the same bytes
                // (BlockChecks): one read of it, no second SHA-256 of every byte.
                BlockChecks actual = back instanceof org.smapimigrate.disk.RawFileDisk
                        ? BlockChecker.of(back, readers) : BlockChecker.of(back, targetSide);
                comparison = recorded.checks().compare(actual);
                checkedAt = Instant.now().toString();
                verification = Manifest.Verification.of(comparison, actual, checkedAt);
            } else {
                DiskDigest actual = new DiskHasher(targetSide).digest(back);
                comparison = expected.compare(actual);
                checkedAt = Instant.now().toString();
                verification = Manifest.Verification.of(comparison, actual, checkedAt);
            }
            uri = a.uri();
            implementation = a.describeImplementation();
        }
        if (!comparison.matches()) {
            throw new MigrationException("volume " + v.describe() + " read back through " + uri + " differs from "
                    + vv.source() + " read through its chain: " + comparison.describe());
        }
        String manifest = null;
        if (purposeOf(vv.volume()) == VolumePurpose.VDI) {
            manifest = writeManifest(vv, v, expected, verification, uri, implementation, started).toString();
        }
        if (copied != null) {
            CopiedDigest.forget(manifestDir, copied); // the manifest and the volume's key hold it now
        }
        return StepOutcome.verified(key, expected.whole(), manifest);
    }

    /**
     * The source image's digest read again through its chain, for a volume no single flattened
     * copy proves (CopiedDigest covers the rest, XVA streams included: no second pass there).
     */
    private DiskDigest sourceDigest(VerifyVolume vv, DiskCopy sourceSide) throws IOException {
        try (VirtualDisk disk = sourceLimit.apply(source.openVdi(vv.source()))) {
            if (disk.size() != vv.size()) {
                throw new MigrationException("source image " + vv.source() + " has " + disk.size()
                        + " bytes, the plan says " + vv.size() + "; make a new plan");
            }
            return new DiskHasher(sourceSide).digest(disk);
        }
    }

    private VolumePurpose purposeOf(String volumeStep) {
        Step s = steps.get(volumeStep);
        if (s instanceof CreateVolume c) {
            return c.purpose();
        }
        return s instanceof SnapshotVolume n ? n.purpose() : VolumePurpose.VDI;
    }

    private Path writeManifest(VerifyVolume vv, Volume v, DiskDigest expected, Manifest.Verification verification,
                               String uri, String implementation, String started)
            throws IOException {
        SourceNode n = nodes.get(vv.source());
        SetMetadata meta = metadataOf.get(vv.volume());
        String name = meta != null ? meta.name() : v.name();
        String finished = verification.checkedAt();
        Manifest m = new Manifest(Manifest.FORMAT, tool, started, finished,
                new Manifest.Source(plan.source().path(), plan.source().type(), plan.source().uuid(), vv.source(),
                        n.name(), n.role(), vv.size()),
                new Manifest.Target(target.root().path().toString(), target.plugin().name(), target.configuration(),
                        target.sr(), v.key(), v.uuid(), name, v.virtualSize(), uri, implementation),
                expected, verification);
        Path path = manifestDir.resolve(vv.source() + ".manifest.json").toAbsolutePath();
        ManifestFile.write(path, m);
        return path;
    }

    /**
     * XAPI's keys (one Volume.set each, as the interface allows), then our record with the digest
     * and {@value VolumeKeys#COMPLETE} (one Volume.set), then the name and description where they
     * differ. The record goes before the description because until it is set the description's
     * in-progress marker is what says whose the volume is.
     */
    private StepOutcome metadata(SetMetadata m) throws IOException {
        String key = key(m.volume());
        VolumePlugin p = target.plugin();
        Volume v = volumes.stat(key);
        Map<String, String> present = volumes.keys(key);
        Map<String, String> xapi = xapiKeys(m.keys());
        if (m.snapshotOf() != null) {
            xapi.put(VolumeKeys.SNAPSHOT_OF, key(m.snapshotOf()));
        }
        setEach(key, xapi, present);
        Map<String, String> ours = record(m.keys());
        String digest = digests.get(m.volume());
        if (digest != null) {
            ours.put(VolumeKeys.DIGEST, digest);
        }
        String record = VolumeKeys.pack(ours);
        if (!record.equals(present.get(VolumeKeys.RECORD))) {
            p.volumeSet(target.sr(), key, VolumeKeys.RECORD, record);
            volumes.keySet(key, VolumeKeys.RECORD, record);
        }
        if (!m.name().equals(v.name())) {
            optional(() -> p.volumeSetName(target.sr(), key, m.name()));
        }
        if (!m.description().equals(v.description())) {
            optional(() -> p.volumeSetDescription(target.sr(), key, m.description()));
        }
        return StepOutcome.on(key, null);
    }

    private interface PluginCall {
        void run() throws IOException;
    }

    /** Volume.set_name and set_description are optional in plugins (interface doc section 6). */
    private static void optional(PluginCall call) throws IOException {
        try {
            call.run();
        } catch (PluginCallException e) {
            if (e.failure() != PluginFailure.MISSING_METHOD) {
                throw e;
            }
        }
    }
}
