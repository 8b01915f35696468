package org.smapimigrate.lvhd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.smapimigrate.chain.VhdChain;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.inventory.Advice;
import org.smapimigrate.inventory.Leftover;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;
import org.smapimigrate.lvm.LogicalVolume;
import org.smapimigrate.lvm.LogicalVolumeDisk;
import org.smapimigrate.lvm.OfflineVolumeGroup;
import org.smapimigrate.lvm.PhysicalVolume;
import org.smapimigrate.lvm.Segment;
import org.smapimigrate.lvm.StripeArea;
import org.smapimigrate.lvm.VolumeGroup;
import org.smapimigrate.vhd.Finding;

/**
 * Builds the inventory of an {@link LvhdSr}: VDIs with roles, parents and MGT names; leftovers of
 * interrupted SM operations; and the problems smapiv1-layout part E lists, as SM's scan, GC and
 * journal replay would see them ({@code LVHDSR.py}, {@code cleanup.py}, {@code journaler.py}).
 */
final class LvhdScan {
    private final LvhdSr sr;
    private final OfflineVolumeGroup ovg;
    private final VolumeGroup vg;
    private final Map<String, VolumeName> names;
    private final Map<String, MgtVdiRecord> mgt;
    private final List<VdiEntry> vdis = new ArrayList<>();
    private final List<Leftover> leftovers = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();
    /** Child LV to parent LV, for every VHD LV whose parent was found. */
    private final Map<String, String> parentOf = new LinkedHashMap<>();
    /** Parent LV to its VDI children (leftovers do not make a base copy). */
    private final Map<String, List<String>> childrenOf = new LinkedHashMap<>();

    LvhdScan(LvhdSr sr) {
        this.sr = sr;
        this.ovg = sr.volumeGroup();
        this.vg = ovg.volumeGroup();
        this.names = sr.volumeNames();
        this.mgt = sr.mgtRecords();
    }

    SrInventory run() throws IOException {
        volumeGroupProblems();
        metadataVolumeProblems();
        resolveParents();
        // Journals first: an interrupted operation is one problem with all it left behind, so
        // the volumes it explains are not reported again below.
        for (LogicalVolume lv : vg.lvs()) {
            if (names.get(lv.name()).kind() == VolumeName.Kind.JOURNAL) {
                journal(lv);
            }
        }
        for (LogicalVolume lv : vg.lvs()) {
            VolumeName name = names.get(lv.name());
            switch (name.kind()) {
                case VHD -> vdis.add(vhdVdi(lv, name));
                case RAW -> vdis.add(rawVdi(lv, name));
                case OLD_VHD -> oldLeafCoalesce(lv, name);
                case JOURNAL -> { }
                case RESIZE_JOURNAL -> {
                    leftovers.add(new Leftover(lv.name(), "resize-journal", name.uuid(), null, null));
                    cause("leftover-resize-journal", lv.name(), "vhd-util resize journal of VDI " + name.uuid()
                            + ": a resize was interrupted; the VHD may carry the v_poison cookie until the journal"
                            + " is replayed or reverted.", Advice.REPLAY_RESIZE, List.of());
                }
                case CBT_LOG -> problem(Severity.INFO, "cbt-log", lv.name(), "changed-block-tracking log of VDI "
                        + name.uuid() + "; not migrated");
                case QCOW2 -> problem(Severity.WARNING, "unsupported-volume", lv.name(), "XCP-ng qcow2 VDI "
                        + name.uuid() + ": this tool reads VHD and raw VDIs only");
                case OTHER -> problem(Severity.INFO, "unknown-lv", lv.name(), "an LV SM does not create in an"
                        + " LVHD SR; ignored");
                case MGT -> {
                }
            }
        }
        baseCopyProblems();
        mgtCrossCheck();
        String pvs = sr.pvPaths().stream().map(Object::toString).collect(Collectors.joining(" "));
        String label = sr.srMetadata() == null ? null : sr.srMetadata().sr().nameLabel();
        return new SrInventory(pvs, "lvm", sr.srUuid(), label, List.copyOf(vdis), List.copyOf(leftovers),
                List.copyOf(problems));
    }

    private void volumeGroupProblems() {
        for (PhysicalVolume pv : ovg.missingPvs()) {
            List<String> lvs = vg.lvs().stream().filter(lv -> lv.segments().stream()
                    .anyMatch(s -> s.stripes().stream().anyMatch(a -> a.pv().equals(pv.key()))))
                    .map(LogicalVolume::name).toList();
            problem(Severity.ERROR, "missing-pv", pv.id(), "PV " + pv.id() + " (" + pv.key() + ", last seen as "
                    + pv.deviceHint() + ") was not given; LVs on it cannot be read: " + String.join(", ", lvs));
        }
        for (ImageDefectException issue : ovg.metadataIssues()) {
            problem(Severity.WARNING, issue.code(), issue.file(), issue.getMessage());
        }
        for (LogicalVolume lv : vg.lvs()) {
            if (lv.problem() != null) {
                problem(Severity.ERROR, lv.problem().code(), lv.name(), lv.problem().detail());
                continue;
            }
            if (lv.segments().size() > 1) {
                problem(Severity.INFO, "multi-segment-lv", lv.name(), "LV in " + lv.segments().size()
                        + " segments (" + segments(lv) + "); read through the LVM metadata");
            }
            long pvCount = lv.segments().stream().flatMap(s -> s.stripes().stream()).map(StripeArea::pv)
                    .distinct().count();
            if (pvCount > 1) {
                problem(Severity.INFO, "multi-pv-lv", lv.name(), "LV spans " + pvCount + " PVs");
            }
        }
    }

    private static String segments(LogicalVolume lv) {
        List<String> parts = new ArrayList<>();
        for (Segment s : lv.segments()) {
            String where = s.stripes().stream().map(a -> a.pv() + " PE " + a.startExtent())
                    .collect(Collectors.joining(", "));
            parts.add("LE " + s.startExtent() + "+" + s.extentCount() + " on " + where);
        }
        return String.join("; ", parts);
    }

    private void metadataVolumeProblems() {
        if (!names.containsKey(LvhdSr.MGT)) {
            problem(Severity.INFO, "no-mgt", vg.name(), "no MGT volume (legacy-mode SR): VDIs have no names on disk");
            return;
        }
        if (sr.srMetadataDefect() != null) {
            ImageDefectException e = sr.srMetadataDefect();
            problem(Severity.WARNING, e.code(), LvhdSr.MGT, e.getMessage() + "; VDI names are unavailable");
            return;
        }
        SrMetadataVolume volume = sr.srMetadata();
        if (volume == null) {
            return;
        }
        for (MgtVdiRecord slot : volume.slots()) {
            String where = LvhdSr.MGT + "@" + slot.offset();
            if (slot.problem() != null) {
                problem(Severity.WARNING, "mgt-slot-invalid", where, slot.problem());
            } else if (!slot.withinLength()) {
                problem(Severity.INFO, "mgt-slot-beyond-length", where, "slot of VDI " + slot.uuid()
                        + (slot.deleted() ? " (deleted)" : "") + " lies past the length in the MGT header ("
                        + volume.length() + "): SM dropped it; ignored");
            } else if (slot.deleted()) {
                problem(Severity.INFO, "mgt-deleted-slot", where, "deleted slot of VDI " + slot.uuid() + " ("
                        + slot.nameLabel() + "), free for reuse");
            }
        }
    }

    private void resolveParents() {
        for (VhdVolume v : sr.vhdVolumes().values()) {
            if (!v.differencing()) {
                continue;
            }
            try {
                LvParentResolver.Resolution r = sr.resolver().locate(v);
                parentOf.put(v.lv(), r.lv());
                if (names.get(v.lv()).isVdi()) {
                    childrenOf.computeIfAbsent(r.lv(), k -> new ArrayList<>()).add(v.lv());
                }
                if (r.by().equals("prt_uuid")) {
                    problem(Severity.WARNING, "parent-locator-unresolved", v.lv(), "the parent locators name "
                            + String.join(", ", r.namesTried()) + ", which no LV is; found the parent "
                            + r.lv() + " by footer uuid " + v.parentUuid() + " (prt_uuid)");
                }
            } catch (ImageDefectException e) {
                // Reported with the VDI when its chain fails to open.
            }
        }
    }

    private VdiEntry vhdVdi(LogicalVolume lv, VolumeName name) {
        String path = pathOf(lv);
        ImageDefectException defect = sr.vhdDefects().get(lv.name());
        VhdVolume v = sr.vhdVolumes().get(lv.name());
        if (v == null) {
            // An LV problem is already reported with the volume group.
            if (defect != null && lv.problem() == null) {
                problem(Severity.ERROR, defect.code(), lv.name(), defect.getMessage());
            }
            return new VdiEntry(name.uuid(), VdiRole.USER, false, 0, 0, null, 1, path, lv.name(),
                    mgtName(name.uuid()), mgtDescription(name.uuid()), false, "vhd");
        }
        for (Finding f : v.findings()) {
            problem(Severity.WARNING, f.code(), lv.name(), f.message());
        }
        String parentLv = parentOf.get(lv.name());
        int depth = 1;
        boolean readable = true;
        try (VirtualDisk disk = sr.openVolume(lv.name())) {
            VhdChain chain = (VhdChain) disk;
            depth = chain.depth();
            for (Finding f : chain.findings()) {
                if (f.code().equals("chain-too-long")) {
                    problem(Severity.WARNING, f.code(), lv.name(), f.message());
                }
            }
        } catch (ImageDefectException e) {
            readable = false;
            problem(Severity.ERROR, e.code(), lv.name(), e.getMessage());
            depth = depthByNames(lv.name());
        } catch (IOException e) {
            readable = false;
            problem(Severity.ERROR, "io-error", lv.name(), e.toString());
        }
        if (parentLv != null) {
            VhdVolume parent = sr.vhdVolumes().get(parentLv);
            if (v.parentIsRaw()) {
                problem(Severity.INFO, "raw-parent", lv.name(), "parent is the raw LV " + parentLv
                        + " (prt_uuid all zeros), read at the same offsets");
            }
            long parentSize = parent != null ? parent.virtualSize()
                    : vg.lv(parentLv).map(LogicalVolume::sizeBytes).orElse(0L);
            if (v.virtualSize() > parentSize) {
                problem(Severity.INFO, "child-larger-than-parent", lv.name(), "virtual size " + v.virtualSize()
                        + " is larger than its parent " + parentLv + "'s " + parentSize
                        + ": past the parent's size, sectors the child did not write read as zeros");
            }
        }
        boolean hasChildren = childrenOf.containsKey(lv.name());
        VdiRole role = hasChildren ? VdiRole.BASE_COPY : v.hidden() ? VdiRole.HIDDEN_LEAF : VdiRole.USER;
        if (role == VdiRole.HIDDEN_LEAF) {
            problem(Severity.INFO, "hidden-leaf", lv.name(), "hidden leaf: SM's scan skips it and GC would delete it");
        }
        return new VdiEntry(name.uuid(), role, v.hidden(), v.virtualSize(), v.allocatedBytes(), uuidOf(parentLv),
                depth, path, lv.name(), mgtName(name.uuid()), mgtDescription(name.uuid()), readable, "vhd");
    }

    private VdiEntry rawVdi(LogicalVolume lv, VolumeName name) {
        boolean hidden = lv.hasTag("hidden");
        // An LV problem or a missing PV is already reported with the volume group.
        boolean readable = opens(lv.name());
        boolean hasChildren = childrenOf.containsKey(lv.name());
        VdiRole role = hasChildren ? VdiRole.BASE_COPY : hidden ? VdiRole.HIDDEN_LEAF : VdiRole.RAW;
        if (role == VdiRole.HIDDEN_LEAF) {
            problem(Severity.INFO, "hidden-leaf", lv.name(), "raw LV tagged hidden with no child: SM's scan skips it");
        }
        return new VdiEntry(name.uuid(), role, hidden, lv.sizeBytes(), lv.sizeBytes(), null, 1, pathOf(lv),
                lv.name(), mgtName(name.uuid()), mgtDescription(name.uuid()), readable, "raw");
    }

    private void oldLeafCoalesce(LogicalVolume lv, VolumeName name) {
        boolean readable = opens(lv.name());
        String vdi = name.uuid();
        leftovers.add(new Leftover(lv.name(), "old-leaf-coalesce", vdi, null, readable));
        if (explained(lv.name())) {
            return; // part of the leaf_ journal's interrupted leaf-coalesce
        }
        String current = VolumeName.VHD_PREFIX + vdi;
        cause("interrupted-leaf-coalesce", lv.name(), "Leaf-coalesce leftover of VDI " + vdi + " without a"
                + " journal: GC coalesced VDI " + vdi + " into its parent, renamed the parent to " + current
                + (names.containsKey(current) ? " (present, it holds the data)" : " (missing!)") + " and stopped"
                + " before deleting " + lv.name() + "; SM's scan skips it.", Advice.LET_SM_RECOVER, List.of());
    }

    private void journal(LogicalVolume lv) throws IOException {
        Journal j;
        try (LogicalVolumeDisk disk = ovg.openLv(lv.name())) {
            j = Journal.read(lv.name(), disk);
        } catch (ImageDefectException e) {
            j = Journal.read(lv.name(), null);
        }
        if (j == null) {
            leftovers.add(new Leftover(lv.name(), "journal", null, null, null));
            cause("leftover-journal", lv.name(), "Journal LV whose name is not <type>_<id>_<value>.",
                    Advice.LOOK_ON_HOST, List.of());
            return;
        }
        leftovers.add(new Leftover(lv.name(), j.leftoverKind(), j.id(), j.value(), null));
        switch (j.type()) {
            case "clone" -> interruptedSnapshot(j);
            case "inflate" -> {
                VhdVolume v = sr.vhdVolumes().get(VolumeName.VHD_PREFIX + j.id());
                boolean noFooter = v != null && v.footerSource() != org.smapimigrate.vhd.VhdImage.FooterSource.PRIMARY;
                cause("interrupted-inflate", lv.name(), "Inflate of VDI " + j.id() + " to " + j.value()
                        + " bytes was interrupted (journal " + lv.name() + ")" + (noFooter ? ": its LV has no footer"
                        + " at the end; it is read through the footer copy at offset 0" : "") + ".",
                        Advice.LET_SM_RECOVER, v == null ? List.of() : List.of(v.lv()));
            }
            case "leaf" -> {
                List<String> related = new ArrayList<>();
                String old = VolumeName.OLD_PREFIX + j.id();
                if (names.containsKey(old)) {
                    related.add(old);
                }
                String parent = existing(j.value());
                if (parent != null) {
                    related.add(parent);
                }
                cause("interrupted-leaf-coalesce", lv.name(), "SM's garbage collector was coalescing leaf " + j.id()
                        + " into its parent " + j.value() + " when it stopped (journal " + lv.name()
                        + (names.containsKey(old) ? ", old leaf " + old : "") + "): SM undoes it if the parent or"
                        + " the OLD_ volume still exists, else finishes it" + (existing(j.id()) == null
                        ? "; until then VDI " + j.id() + " is not in the VDI list and is not migrated" : "") + ".",
                        Advice.LET_SM_RECOVER, related);
            }
            case "coalesce", "relink" -> cause("interrupted-" + j.type(), lv.name(), "SM's garbage collector was"
                    + (j.type().equals("coalesce") ? " coalescing " + j.id() + " into its parent"
                    : " re-pointing the children of " + j.id() + " after coalescing it") + " when it stopped"
                    + " (journal " + lv.name() + "); the chains still read as before.", Advice.SAFE_AS_IS, List.of());
            default -> cause("leftover-" + j.leftoverKind(), lv.name(), "SM journal '" + j.type() + "' of " + j.id()
                    + " = " + j.value() + ": an operation was interrupted.", Advice.LET_SM_RECOVER, List.of());
        }
    }

    /** {@code clone_<orig>_*} with value {@code <base>_<clone>}: {@code LVHDVDI._snapshot} stopped. */
    private void interruptedSnapshot(Journal j) {
        String orig = j.id();
        int cut = j.value().indexOf('_');
        String base = cut < 0 ? j.value() : j.value().substring(0, cut);
        String clone = cut < 0 ? "" : j.value().substring(cut + 1);
        List<String> evidence = new ArrayList<>();
        String baseLv = existing(base);
        if (baseLv == null) {
            evidence.add("no LV holds the base " + base + " yet");
        } else {
            VhdVolume bv = sr.vhdVolumes().get(baseLv);
            boolean hidden = bv != null ? bv.hidden() : vg.lv(baseLv).orElseThrow().hasTag("hidden");
            boolean ro = vg.lv(baseLv).orElseThrow().readOnly();
            evidence.add(baseLv + " exists" + (hidden ? ", hidden" : ", NOT hidden") + (ro ? ", read-only"
                    : ", NOT read-only"));
        }
        String origLv = existing(orig);
        evidence.add(origLv == null ? "VDI " + orig + " has no LV" : origLv + (baseLv != null
                && baseLv.equals(parentOf.get(origLv)) ? " is a new child of " + baseLv : " exists"));
        if (!clone.isEmpty()) {
            String cloneLv = existing(clone);
            evidence.add(cloneLv == null ? "clone " + clone + " was never created" : cloneLv + " exists");
        }
        for (String id : List.of(base, clone)) {
            if (!id.isEmpty() && sr.srMetadata() != null && !mgt.containsKey(id)) {
                evidence.add(id + " has no MGT entry");
            }
        }
        List<String> related = new ArrayList<>();
        for (String lv : new String[] {baseLv, origLv, clone.isEmpty() ? null : existing(clone)}) {
            if (lv != null && !related.contains(lv)) {
                related.add(lv);
            }
        }
        cause("interrupted-snapshot", j.lv(), "Snapshot of VDI " + orig + " was interrupted (journal " + j.lv()
                + ", base " + base + (clone.isEmpty() ? "" : ", second child " + clone) + "): "
                + String.join("; ", evidence) + ". SM undoes it on the next attach (deletes the new children,"
                + " renames the base back to VDI " + orig + ", un-hides it). The data of VDI " + orig
                + " is intact either way.", Advice.LET_SM_RECOVER, related);
    }

    private boolean opens(String lv) {
        try (VirtualDisk disk = sr.openVolume(lv)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The LV of VDI {@code uuid}, VHD or raw, or null. */
    private String existing(String uuid) {
        for (String lv : List.of(VolumeName.VHD_PREFIX + uuid, VolumeName.RAW_PREFIX + uuid)) {
            if (names.containsKey(lv)) {
                return lv;
            }
        }
        return null;
    }

    /** A base copy is hidden and its LV read-only once a snapshot completes ({@code LVHDVDI._snapshot}). */
    private void baseCopyProblems() {
        for (VdiEntry v : vdis) {
            if (v.role() != VdiRole.BASE_COPY || explained(v.lv())) {
                continue; // an interrupted snapshot's base is reported with it
            }
            if (!v.hidden()) {
                problem(Severity.WARNING, "base-not-hidden", v.lv(), "parent of " + String.join(", ",
                        childrenOf.get(v.lv())) + " but not hidden: an interrupted snapshot, or set by hand");
            }
            if (!vg.lv(v.lv()).orElseThrow().readOnly()) {
                problem(Severity.WARNING, "base-not-read-only", v.lv(), "parent of " + String.join(", ",
                        childrenOf.get(v.lv())) + " but its LV is writable (lvchange -p r was not reached)");
            }
        }
    }

    private void mgtCrossCheck() {
        if (sr.srMetadata() == null) {
            return;
        }
        Set<String> vdiUuids = new HashSet<>();
        for (VdiEntry v : vdis) {
            vdiUuids.add(v.uuid());
            if (!mgt.containsKey(v.uuid()) && !explained(v.lv())) {
                problem(Severity.WARNING, "vdi-not-in-mgt", v.lv(), "VDI " + v.uuid() + " has no live MGT slot: a"
                        + " rescan would show it without a name");
            }
        }
        for (MgtVdiRecord r : mgt.values()) {
            if (!vdiUuids.contains(r.uuid())) {
                problem(Severity.WARNING, "mgt-entry-without-lv", LvhdSr.MGT + "@" + r.offset(), "MGT lists VDI "
                        + r.uuid() + " (" + r.nameLabel() + ") but no VHD- or LV- LV holds it; SM drops such"
                        + " entries on attach");
            }
        }
    }

    /** Images from {@code lv} to the root by resolved parents, for chains that did not open. */
    private int depthByNames(String lv) {
        Set<String> seen = new HashSet<>();
        String cur = lv;
        while (cur != null && seen.add(cur)) {
            cur = parentOf.get(cur);
        }
        return seen.size();
    }

    private String uuidOf(String lv) {
        if (lv == null) {
            return null;
        }
        VolumeName n = names.get(lv);
        return n == null ? null : n.uuid();
    }

    /** {@code <PV file>:<LV>}, the PV file holding the LV's first extent. */
    private String pathOf(LogicalVolume lv) {
        String pv = lv.segments().isEmpty() ? null : lv.segments().get(0).stripes().isEmpty() ? null
                : lv.segments().get(0).stripes().get(0).pv();
        var file = pv == null ? null : ovg.file(pv);
        return (file == null ? vg.name() : file.path().toString()) + ":" + lv.name();
    }

    private String mgtName(String uuid) {
        MgtVdiRecord r = mgt.get(uuid);
        return r == null ? null : r.nameLabel();
    }

    private String mgtDescription(String uuid) {
        MgtVdiRecord r = mgt.get(uuid);
        return r == null ? null : r.nameDescription();
    }

    /** One interrupted operation with all it left behind ({@code related}) and what to do. */
    private void cause(String code, String lv, String message, String action, List<String> related) {
        problems.add(new Problem(Severity.WARNING, code, lv, message, action, related));
    }

    /** An LV already part of a cause reported at another LV. */
    private boolean explained(String lv) {
        return problems.stream().anyMatch(p -> p.action() != null && p.covers(lv));
    }

    private void problem(Severity severity, String code, String path, String message) {
        problems.add(new Problem(severity, code, path, message));
    }
}
