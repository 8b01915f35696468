package org.smapimigrate.migrate;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.smapimigrate.datapath.VolumeAttachment;
import org.smapimigrate.disk.CopyStats;
import org.smapimigrate.disk.DiskCopy;
import org.smapimigrate.disk.DiskSink;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.plugin.PluginCallException;
import org.smapimigrate.plugin.PluginFailure;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.plugin.VolumePlugin;
import org.smapimigrate.verify.BlockDigester;
import org.smapimigrate.verify.DigestComparison;
import org.smapimigrate.verify.DiskDigest;
import org.smapimigrate.verify.DiskHasher;
import org.smapimigrate.verify.Manifest;
import org.smapimigrate.verify.ManifestFile;

/**
 * Moves one VDI into a new volume of a SMAPIv3 SR, the way XAPI's VDI.copy would but through the
 * plugins directly (interface doc section 5): Volume.create, Volume.set of our keys (marked
 * {@code incomplete} first), Volume.stat for the URIs, datapath open/attach/activate, the copy
 * with hashing, a read-back through the same datapath, deactivate/detach/close, the manifest, and
 * only then the mark {@code complete}. Any failure after Volume.create destroys the new volume;
 * if even that fails the volume stays marked incomplete and the error says so. The source is
 * only read.
 */
public final class VdiMigration {
    /** What to do when the target SR already holds a volume migrated from the same VDI. */
    public enum Existing {
        /** Fail, naming the volume (the default: never a silent duplicate or overwrite). */
        REFUSE,
        /** Keep it and report {@code already-migrated}. */
        SKIP,
        /** Destroy it and migrate again. */
        REPLACE
    }

    private final TargetSr target;
    private final MigrationProgress progress;
    private final String tool;

    public VdiMigration(TargetSr target, MigrationProgress progress, String tool) {
        this.target = target;
        this.progress = progress;
        this.tool = tool;
    }

    /** The datapath domain used for {@code vdi}; the same on every run, so a rerun can release a leftover. */
    public static String domainFor(String vdi) {
        return VolumeAttachment.dom0Domain("smapi-migrate/" + vdi);
    }

    /**
     * Migrates VDI {@code vdiUuid} of {@code source} and writes its manifest to {@code manifestDir}.
     */
    public MigrationResult migrate(StorageRepository source, SrInventory inventory, String vdiUuid,
                                   Existing existing, Path manifestDir) throws IOException {
        VdiEntry entry = inventory.vdi(vdiUuid);
        if (entry == null) {
            throw new MigrationException("no VDI " + vdiUuid + " in SR " + inventory.path()
                    + " (run 'smapi-migrate scan' to list them)");
        }
        String srId = inventory.uuid() != null ? inventory.uuid() : inventory.path();
        long start = System.nanoTime();
        Instant started = Instant.now();
        List<String> notes = new ArrayList<>();
        VolumePlugin plugin = target.plugin();
        String sr = target.sr();
        try (VirtualDisk disk = source.openVdi(vdiUuid)) {
            List<Volume> complete = new ArrayList<>();
            for (Volume v : findEarlier(srId, vdiUuid, notes)) {
                if (MigrationKeys.COMPLETE.equals(v.keys().get(MigrationKeys.STATE))) {
                    complete.add(v);
                } else {
                    releaseLeftover(v);
                    plugin.volumeDestroy(sr, v.key());
                    notes.add("removed volume " + v.key() + " left incomplete by an earlier run");
                }
            }
            if (!complete.isEmpty() && existing == Existing.SKIP) {
                Volume v = complete.get(0);
                return new MigrationResult("already-migrated", srId, vdiUuid, v.name(), v.virtualSize(), 0, 0, 0,
                        sr, v.key(), v.uuid(), null, null, v.keys().get(MigrationKeys.DIGEST), null, null,
                        seconds(start), notes);
            }
            if (!complete.isEmpty() && existing == Existing.REFUSE) {
                throw new MigrationException("VDI " + vdiUuid + " was already migrated to volume "
                        + complete.get(0).describe() + " of " + target.describe()
                        + "; use --existing skip to keep it or --existing replace to copy it again");
            }

            String name = entry.nameLabel() != null && !entry.nameLabel().isEmpty() ? entry.nameLabel() : vdiUuid;
            String description = entry.nameDescription() != null ? entry.nameDescription()
                    : "migrated by smapi-migrate from SR " + srId + " VDI " + vdiUuid;
            Volume created = plugin.volumeCreate(sr, name, description, disk.size(), false);
            boolean marked = false;
            try (InterruptGuard guard = InterruptGuard.install(() -> cleanUpAfterInterrupt(created, vdiUuid))) {
                try {
                    marked = plugin.volumeSet(sr, created.key(), MigrationKeys.STATE, MigrationKeys.INCOMPLETE);
                    if (!marked) {
                        notes.add("the volume plugin has no Volume.set: the volume carries no smapi-migrate keys,"
                                + " so a later run cannot recognise it");
                    }
                    plugin.volumeSet(sr, created.key(), MigrationKeys.SOURCE_SR, srId);
                    plugin.volumeSet(sr, created.key(), MigrationKeys.SOURCE_VDI, vdiUuid);
                    plugin.volumeSet(sr, created.key(), MigrationKeys.SOURCE_ROLE, entry.role().label());
                    plugin.volumeSet(sr, created.key(), MigrationKeys.VDI_TYPE, "user");
                    MigrationResult result = copyVerifyAndRecord(disk, entry, srId, inventory, created, started,
                            start, manifestDir, notes, guard);
                    replace(complete, notes);
                    return result;
                } catch (IOException | RuntimeException e) {
                    if (!guard.settle()) {
                        throw new MigrationException("VDI " + vdiUuid + ": interrupted; the new volume "
                                + created.key() + " is being destroyed", e);
                    }
                    throw discard(created, marked, e, vdiUuid);
                }
            }
        }
    }

    private MigrationResult copyVerifyAndRecord(VirtualDisk disk, VdiEntry entry, String srId, SrInventory inventory,
                                                Volume created, Instant started, long start, Path manifestDir,
                                                List<String> notes, InterruptGuard guard) throws IOException {
        VolumePlugin plugin = target.plugin();
        String sr = target.sr();
        // XAPI calls Volume.stat for the URIs before any Datapath call: Volume.create's may be wrong.
        Volume volume = plugin.volumeStat(sr, created.key());
        if (volume.virtualSize() < disk.size()) {
            throw new MigrationException("volume " + volume.key() + " has " + volume.virtualSize()
                    + " bytes, the VDI needs " + disk.size());
        }
        long size = disk.size();
        CopyStats stats;
        DiskDigest sourceDigest;
        DiskDigest readBack;
        String uri;
        String implementation;
        try (VolumeAttachment attachment = VolumeAttachment.attach(target.root(), volume, domainFor(entry.uuid()))) {
            uri = attachment.uri();
            implementation = attachment.describeImplementation();
            DiskCopy copy = DiskCopy.standard();
            BlockDigester digester = new BlockDigester(size);
            // A volume just created reads as zeros where it is a File (a sparse file); the copy then
            // leaves holes alone. Anything else gets its zero runs written explicitly.
            try (DiskSink sink = attachment.openSink(size, true);
                 MigrationProgress.Phase bar = progress.phase("copy", size, copy::bytesDone)) {
                stats = copy.copy(disk, sink, digester);
                sink.flush();
            }
            sourceDigest = digester.finish();
            DiskCopy check = DiskCopy.standard();
            try (VirtualDisk back = attachment.openReader(size);
                 MigrationProgress.Phase bar = progress.phase("verify", size, check::bytesDone)) {
                readBack = new DiskHasher(check).digest(back);
            }
        }
        DigestComparison comparison = sourceDigest.compare(readBack);
        if (!comparison.matches()) {
            throw new MigrationException("volume " + volume.key() + " read back through " + uri
                    + " differs from VDI " + entry.uuid() + ": " + comparison.describe());
        }
        String finished = Instant.now().toString();
        Manifest manifest = new Manifest(Manifest.FORMAT, tool, started.toString(), finished,
                new Manifest.Source(inventory.path(), inventory.type(), inventory.uuid(), entry.uuid(),
                        entry.nameLabel(), entry.role().label(), size),
                new Manifest.Target(target.root().path().toString(), plugin.name(), target.configuration(), sr,
                        volume.key(), volume.uuid(), volume.name(), volume.virtualSize(), uri, implementation),
                sourceDigest, Manifest.Verification.of(comparison, readBack, finished));
        Path manifestPath = manifestDir.resolve(entry.uuid() + ".manifest.json").toAbsolutePath().normalize();
        ManifestFile.write(manifestPath, manifest);
        if (!guard.settle()) {
            throw new MigrationException("interrupted before volume " + volume.key() + " was marked complete");
        }
        // From here on an interruption leaves the volume marked incomplete, which a later run removes.
        plugin.volumeSet(sr, volume.key(), MigrationKeys.DIGEST, sourceDigest.whole());
        plugin.volumeSet(sr, volume.key(), MigrationKeys.STATE, MigrationKeys.COMPLETE);
        return new MigrationResult("migrated", srId, entry.uuid(), volume.name(), size, stats.readBytes(),
                stats.writtenBytes(), stats.zeroBytes(), sr, volume.key(), volume.uuid(), uri, implementation,
                sourceDigest.whole(), "match", manifestPath.toString(), seconds(start), notes);
    }

    /** --existing replace: the earlier copies go only once the new one is verified and complete. */
    private void replace(List<Volume> earlier, List<String> notes) {
        for (Volume old : earlier) {
            try {
                target.plugin().volumeDestroy(target.sr(), old.key());
                notes.add("replaced volume " + old.key() + " from an earlier run");
            } catch (IOException | RuntimeException e) {
                notes.add("the earlier volume " + old.key() + " could not be destroyed (" + oneLine(e)
                        + "); two copies of this VDI are now in the SR");
            }
        }
    }

    /** Volumes migrated from this VDI by earlier runs, found through SR.ls and our keys. */
    private List<Volume> findEarlier(String srId, String vdi, List<String> notes) throws IOException {
        List<Volume> all;
        try {
            all = target.plugin().srLs(target.sr());
        } catch (PluginCallException e) {
            if (e.failure() != PluginFailure.MISSING_METHOD) {
                throw e;
            }
            notes.add("the volume plugin has no SR.ls: earlier copies of this VDI cannot be detected");
            return List.of();
        }
        return all.stream()
                .filter(v -> vdi.equals(v.keys().get(MigrationKeys.SOURCE_VDI))
                        && srId.equals(v.keys().get(MigrationKeys.SOURCE_SR)))
                .toList();
    }

    /** Releases a datapath an interrupted run of ours may have left active, with our own domain. */
    private void releaseLeftover(Volume v) {
        StaleAttachment.release(target.root(), v, domainFor(v.keys().get(MigrationKeys.SOURCE_VDI)));
    }

    /**
     * Runs in a shutdown hook when the JVM is stopped mid-migration: releases the datapath with our
     * domain and destroys the volume, with short time limits so that shutting down cannot hang.
     */
    private void cleanUpAfterInterrupt(Volume created, String vdi) {
        try {
            PluginRoot quick = new PluginRoot(target.root().path(), INTERRUPT_TIME_LIMIT);
            VolumePlugin plugin = quick.volumePlugin(target.plugin().name());
            Volume v = plugin.volumeStat(target.sr(), created.key());
            StaleAttachment.release(quick, v, domainFor(vdi));
            plugin.volumeDestroy(target.sr(), created.key());
            System.err.println("smapi-migrate: interrupted: destroyed the new volume " + created.key());
        } catch (IOException | RuntimeException e) {
            System.err.println("smapi-migrate: interrupted: the new volume " + created.key()
                    + " is left marked " + MigrationKeys.STATE + "=" + MigrationKeys.INCOMPLETE + " ("
                    + oneLine(e) + "); the next run removes it");
        }
    }

    private static final Duration INTERRUPT_TIME_LIMIT = Duration.ofSeconds(30);

    /** Destroys a volume whose migration failed; returns the exception to throw. */
    private MigrationException discard(Volume created, boolean marked, Exception failure, String vdi) {
        String what = "VDI " + vdi + ": " + oneLine(failure);
        try {
            target.plugin().volumeDestroy(target.sr(), created.key());
            MigrationException e = new MigrationException(what + " (the new volume " + created.key()
                    + " was destroyed)", failure);
            return e;
        } catch (IOException | RuntimeException d) {
            String left = marked
                    ? "; the new volume " + created.key() + " could not be destroyed (" + oneLine(d)
                    + ") and is left marked " + MigrationKeys.STATE + "=" + MigrationKeys.INCOMPLETE
                    : "; the new volume " + created.key() + " could not be destroyed (" + oneLine(d)
                    + ") nor marked incomplete: destroy it by hand";
            MigrationException e = new MigrationException(what + left, failure);
            e.addSuppressed(d);
            return e;
        }
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        return (m == null || m.isBlank() ? t.getClass().getSimpleName() : m).replace('\n', ' ');
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
