package org.smapimigrate.execute;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
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
import org.smapimigrate.source.StreamedSource;
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
    /** The volume attached right now, for the interrupt handler to release. */
    final AtomicReference<Volume> attached = new AtomicReference<>();

    StepWork(Plan plan, StorageRepository source, TargetSr target, Path manifestDir, String tool, String domain,
             PausePoint pause, Map<String, Step> steps, Map<String, SetMetadata> metadataOf,
             Map<String, SourceNode> nodes, Map<String, String> made, RunProgress progress) {
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
    }

    StepOutcome execute(Step s) throws IOException {
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
        String started = Instant.now().toString();
        DiskCopy sourceSide = DiskCopy.standard();
        DiskCopy targetSide = DiskCopy.standard();
        progress.start(vv.id(), vv.bytes(), 2 * vv.size(), () -> sourceSide.bytesDone() + targetSide.bytesDone());
        DiskDigest expected = sourceDigest(vv, sourceSide);
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

    /**
     * The source image's digest: taken while the copy streamed it (an XVA: no second pass over the
     * archive, possibly standard input), else by reading it again through its chain.
     */
    private DiskDigest sourceDigest(VerifyVolume vv, DiskCopy sourceSide) throws IOException {
        DiskDigest streamed = source instanceof StreamedSource s ? s.streamedDigest(vv.source()) : null;
        if (streamed != null) {
            if (streamed.size() != vv.size()) {
                throw new MigrationException("source image " + vv.source() + " streamed " + streamed.size()
                        + " bytes, the plan says " + vv.size() + "; make a new plan");
            }
            return streamed;
        }
        try (VirtualDisk disk = source.openVdi(vv.source())) {
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

    private Path writeManifest(VerifyVolume vv, Volume v, DiskDigest expected, DiskDigest actual,
                               DigestComparison comparison, String uri, String implementation, String started)
            throws IOException {
        SourceNode n = nodes.get(vv.source());
        SetMetadata meta = metadataOf.get(vv.volume());
        String name = meta != null ? meta.name() : v.name();
        String finished = Instant.now().toString();
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
