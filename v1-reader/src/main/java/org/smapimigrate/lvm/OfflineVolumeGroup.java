package org.smapimigrate.lvm;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.disk.Closing;
import org.smapimigrate.disk.ImageDefectException;

/**
 * A VG assembled from PV images or devices without LVM tools or device-mapper: the newest
 * metadata whose CRCs verify across all given PVs, the PVs matched to it by label uuid, and its
 * LVs readable as {@link LogicalVolumeDisk}s. Everything is opened read-only.
 *
 * <p>A PV of the VG that is not among the given files does not fail the open: LVs that do not
 * touch it stay readable, and {@link #openLv} fails with {@code missing-pv} for those that do.
 */
public final class OfflineVolumeGroup implements Closeable {
    private final List<PhysicalVolumeFile> files;
    private final VolumeGroup vg;
    private final Map<String, PhysicalVolumeFile> fileByPvKey;
    private final List<PhysicalVolume> missingPvs;
    private final List<ImageDefectException> metadataIssues;

    private OfflineVolumeGroup(List<PhysicalVolumeFile> files, VolumeGroup vg, Map<String, PhysicalVolumeFile> fileByPvKey,
                               List<PhysicalVolume> missingPvs, List<ImageDefectException> metadataIssues) {
        this.files = files;
        this.vg = vg;
        this.fileByPvKey = fileByPvKey;
        this.missingPvs = missingPvs;
        this.metadataIssues = metadataIssues;
    }

    /**
     * Opens the PVs (in any order) and assembles their VG.
     *
     * @throws ImageDefectException a PV without a valid label; {@code duplicate-pv} (one PV given
     *         twice); when no metadata copy is usable, the first copy's defect
     *         ({@code bad-mda-checksum}, {@code bad-metadata-checksum}, {@code metadata-syntax}, ...)
     *         or {@code no-metadata} when no area holds any; {@code multiple-vgs}; {@code pv-not-in-vg}
     */
    public static OfflineVolumeGroup open(List<Path> pvPaths) throws IOException {
        if (pvPaths.isEmpty()) {
            throw new IllegalArgumentException("no PV given");
        }
        List<PhysicalVolumeFile> files = new ArrayList<>();
        try {
            for (Path p : pvPaths) {
                files.add(PhysicalVolumeFile.open(p));
            }
            return assemble(files);
        } catch (IOException | RuntimeException e) {
            for (PhysicalVolumeFile f : files) {
                try {
                    f.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static OfflineVolumeGroup assemble(List<PhysicalVolumeFile> files) throws ImageDefectException {
        Map<String, PhysicalVolumeFile> byUuid = new HashMap<>();
        for (PhysicalVolumeFile f : files) {
            PhysicalVolumeFile twin = byUuid.putIfAbsent(f.label().pvUuid(), f);
            if (twin != null) {
                throw new ImageDefectException("duplicate-pv", f.path().toString(), -1, "PV " + f.pvId()
                        + " is also " + twin.path() + ": give each PV once (a copy of a PV is the same PV)");
            }
        }
        List<ImageDefectException> issues = new ArrayList<>();
        MetadataCopy best = null;
        PhysicalVolumeFile bestFile = null;
        for (PhysicalVolumeFile f : files) {
            for (MetadataCopy c : f.metadataCopies()) {
                if (c.defect() != null) {
                    issues.add(c.defect());
                } else if (c.usable()) {
                    if (best != null && !LvmUuid.bare(best.vg().id()).equals(LvmUuid.bare(c.vg().id()))) {
                        throw new ImageDefectException("multiple-vgs", f.path().toString(), c.area().offset(),
                                "this PV holds metadata of VG " + c.vg().name() + " but " + bestFile.path()
                                        + " holds VG " + best.vg().name() + ": give the PVs of one VG only");
                    }
                    if (best == null || c.vg().seqno() > best.vg().seqno()) {
                        best = c;
                        bestFile = f;
                    }
                }
            }
        }
        if (best == null) {
            if (!issues.isEmpty()) {
                // Every copy is damaged: the first one's own defect says best what is wrong.
                ImageDefectException first = issues.get(0);
                issues.subList(1, issues.size()).forEach(first::addSuppressed);
                throw first;
            }
            throw new ImageDefectException("no-metadata", files.get(0).path().toString(), -1,
                    "no metadata area of the given PVs holds VG metadata: orphan PV(s), or the PVs"
                            + " holding the metadata were not given");
        }
        VolumeGroup vg = best.vg();
        for (PhysicalVolumeFile f : files) {
            for (MetadataCopy c : f.metadataCopies()) {
                if (c.usable() && c.vg().seqno() < vg.seqno()) {
                    issues.add(new ImageDefectException("stale-metadata", f.path().toString(), c.area().offset(),
                            "metadata seqno " + c.vg().seqno() + " is older than seqno " + vg.seqno()
                                    + " on " + bestFile.path() + "; the newer copy is used"));
                }
            }
        }
        Map<String, PhysicalVolumeFile> byKey = new LinkedHashMap<>();
        List<PhysicalVolume> missing = new ArrayList<>();
        for (PhysicalVolume pv : vg.pvs()) {
            PhysicalVolumeFile f = byUuid.remove(LvmUuid.bare(pv.id()));
            if (f == null) {
                missing.add(pv);
            } else {
                byKey.put(pv.key(), f);
            }
        }
        if (!byUuid.isEmpty()) {
            PhysicalVolumeFile stray = byUuid.values().iterator().next();
            throw new ImageDefectException("pv-not-in-vg", stray.path().toString(), -1, "PV " + stray.pvId()
                    + " is not a PV of VG " + vg.name() + " (seqno " + vg.seqno() + "): leave it out");
        }
        return new OfflineVolumeGroup(List.copyOf(files), vg, Collections.unmodifiableMap(byKey), List.copyOf(missing),
                List.copyOf(issues));
    }

    /** The VG as its newest verified metadata describes it. */
    public VolumeGroup volumeGroup() {
        return vg;
    }

    /** The PV files, in the order given. */
    public List<PhysicalVolumeFile> files() {
        return files;
    }

    /** PVs of the VG that were not given; LVs on them cannot be opened. */
    public List<PhysicalVolume> missingPvs() {
        return missingPvs;
    }

    /**
     * Damaged or stale metadata copies that were passed over because another copy verified:
     * worth reporting, not fatal.
     */
    public List<ImageDefectException> metadataIssues() {
        return metadataIssues;
    }

    /** The file holding PV {@code key} ({@code pv0}), or null when it is missing. */
    public PhysicalVolumeFile file(String pvKey) {
        return fileByPvKey.get(pvKey);
    }

    /**
     * Opens an LV as a disk. The disk shares this VG's files: it is valid until this VG closes,
     * and closing it closes nothing.
     *
     * @throws ImageDefectException {@code no-such-lv}; the LV's own problem
     *         ({@code unsupported-segment}, {@code metadata-invalid}, {@code extent-out-of-range});
     *         {@code missing-pv}; {@code truncated} when a PV file ends before the LV's extents
     */
    public LogicalVolumeDisk openLv(String name) throws ImageDefectException {
        LogicalVolume lv = vg.lv(name).orElseThrow(() -> new ImageDefectException("no-such-lv",
                files.get(0).path().toString(), -1, "VG " + vg.name() + " has no LV named '" + name + "'"));
        return LogicalVolumeDisk.of(vg, lv, this::file);
    }

    @Override
    public void close() throws IOException {
        Closing.closeAll(files);
    }
}
