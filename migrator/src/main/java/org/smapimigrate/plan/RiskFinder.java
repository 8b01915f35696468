package org.smapimigrate.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.smapimigrate.inventory.Advice;
import org.smapimigrate.inventory.Leftover;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;
import org.smapimigrate.report.Sizes;

/**
 * Turns what the inventory and the layout show into risks, each with what to do about it. The
 * failure modes follow smapiv1-layout.md part E.
 */
final class RiskFinder {
    /** SM refuses to snapshot at this depth (MAX_CHAIN_SIZE, SnapshotChainTooLong). */
    static final int DEEP_CHAIN = 30;
    private static final String SM_RECOVERS = Advice.LET_SM_RECOVER;

    private final SourceForest forest;
    private final Selection selection;
    private final PlanRequest req;
    private final Strategy strategy;
    private final Layout layout;
    private final Totals totals;
    private final List<Risk> risks = new ArrayList<>();

    RiskFinder(SourceForest forest, Selection selection, PlanRequest req, Strategy strategy, Layout layout,
               Totals totals) {
        this.forest = forest;
        this.selection = selection;
        this.req = req;
        this.strategy = strategy;
        this.layout = layout;
        this.totals = totals;
    }

    List<Risk> risks() {
        target();
        space();
        unreadable();
        leftovers();
        problems();
        chains();
        trees();
        names();
        risks.sort(Comparator.comparing((Risk r) -> -r.severity().ordinal()));
        return risks;
    }

    private static String human(long bytes) {
        return Sizes.human(bytes);
    }

    private void add(Severity s, String code, String subject, String message, String action) {
        risks.add(new Risk(s, code, subject, message, action));
    }

    private void target() {
        TargetCapabilities caps = req.target();
        if (!caps.canCreate()) {
            add(Severity.ERROR, "target-cannot-create", null,
                    "The target does not offer VDI_CREATE (with a Volume.create method): no volume can be made.",
                    "Choose a volume plugin that creates volumes.");
        }
        if (!caps.canSetKeys()) {
            add(Severity.ERROR, "target-cannot-set-keys", null,
                    "The volume plugin has no Volume.set: a run could not mark its volumes incomplete until "
                            + "verified, nor find them again after an interruption, and the snapshot flags would be "
                            + "lost (xapi-storage-script treats a missing Volume.set as a no-op).",
                    "Use a plugin with Volume.set.");
        }
        if (selection.migratable.isEmpty()) {
            add(Severity.ERROR, "nothing-to-migrate", null, "No selected VDI can be migrated.",
                    "Check the selection (--vdi) and the risks above; 'smapi-migrate scan' lists the VDIs.");
        }
        StrategyFigures p = totals.preserve();
        StrategyFigures f = totals.flatten();
        boolean treesSave = p.bytesToCopy() < f.bytesToCopy();
        if (strategy == Strategy.FLATTEN && req.forceFlatten() && treesSave) {
            add(Severity.INFO, "flatten-forced", null, "--flatten copies " + human(f.bytesToCopy()) + " where keeping "
                            + "the snapshot trees would copy " + human(p.bytesToCopy()) + ".",
                    "Drop --flatten to keep the trees, if the target can snapshot or clone.");
        } else if (strategy == Strategy.FLATTEN && treesSave) {
            add(Severity.WARNING, "target-cannot-keep-trees", null,
                    "The target offers neither VDI_SNAPSHOT nor VDI_CLONE, so every VDI is flattened: "
                            + human(f.bytesToCopy()) + " copied instead of " + human(p.bytesToCopy())
                            + ", and snapshots share no blocks with their VDIs on the target.",
                    "Accept it, or migrate to an SR whose plugin snapshots or clones volumes.");
        }
        if (strategy == Strategy.PRESERVE && caps.sharesBlocks() == null) {
            add(Severity.INFO, "target-sharing-unknown", null,
                    "Not known whether the target's snapshots and clones share blocks; the space figure assumes "
                            + "they copy them (the larger figure).",
                    "Nothing to do; on a reflink or ZFS target the real need is nearer "
                            + human(totals.bytesToCopy()) + ".");
        }
        if (layout.carriers() > 0) {
            add(Severity.INFO, "carrier-volumes", null, layout.carriers() + " base copies get a carrier volume: the "
                            + "target clones only from snapshots, so a read-only snapshot of each is kept. After "
                            + "sr-scan they show as VDIs named \"base copy\".",
                    "Do not delete them while their clones exist; the target refuses or breaks the clones.");
        }
        for (Fates.Fallback fb : layout.fates.fallbacks()) {
            boolean feature = fb.reason().contains("target cannot");
            add(feature ? Severity.WARNING : Severity.INFO, feature ? "target-feature-missing" : "flattened-in-tree",
                    fb.uuid(), fb.uuid() + " is written as a fresh flattened chain instead of a copy of its parent's "
                            + "volume: " + fb.reason() + ".",
                    feature ? "Its data is complete; a target with the missing feature would share blocks and copy less."
                            : "Nothing to do: its data is complete, it just shares no blocks with its parent on the target.");
        }
    }

    private void space() {
        Long free = req.target().freeSpace();
        long need = totals.targetSpaceNeeded();
        if (free == null) {
            add(Severity.INFO, "target-space-unknown", null,
                    "The target's free space is not known; the plan needs about " + human(need) + ".",
                    "Check SR.stat free_space (or the filesystem) before running.");
        } else if (need + SpaceMargin.of(need) > free) {
            add(Severity.ERROR, "target-space-insufficient", null,
                    "The plan needs about " + human(need) + " on the target, plus a margin of "
                            + human(SpaceMargin.of(need)) + ", but it has " + human(free) + " free.",
                    "Free space on the target, migrate fewer VDIs at a time (--vdi), or keep snapshot trees on a "
                            + "target whose snapshots share blocks (do not use --flatten).");
        } else if (need > free - free / 10) {
            add(Severity.WARNING, "target-space-tight", null,
                    "The plan needs about " + human(need) + " of the target's " + human(free) + " free (over 90%).",
                    "Leave room for the target's own metadata and for the VMs' writes after migration.");
        }
    }

    private void unreadable() {
        for (String uuid : selection.selected) {
            if (selection.isMigratable(uuid)) {
                continue;
            }
            List<String> why = new ArrayList<>();
            for (Problem p : forest.chainErrors(uuid)) {
                why.add(p.code() + ": " + p.message());
            }
            if (forest.inCycle(uuid)) {
                why.add("its parent links form a cycle");
            }
            add(Severity.ERROR, "unreadable-chain", uuid, "VDI " + uuid + " cannot be read exactly and is left out"
                            + (why.isEmpty() ? "." : ": " + String.join("; ", why)),
                    "Repair it on the host (attach the SR and let SM recover, or 'vhd-util repair'), or restore it "
                            + "from a backup; 'smapi-migrate scan' shows the defect.");
        }
        for (VdiEntry v : forest.all()) {
            for (Problem p : forest.problems(v)) {
                if (p.code() != null && p.code().toLowerCase(Locale.ROOT).contains("encrypt")) {
                    add(Severity.ERROR, "encrypted", v.uuid(), "VDI image " + v.uuid() + " is encrypted by tapdisk ("
                                    + p.message() + "); its data cannot be read offline.",
                            "Copy it on the host with XAPI (xe vdi-copy) where the keys in /var/xen/blktap/keys "
                                    + "are available, or decrypt it before migrating.");
                }
            }
        }
    }

    /**
     * The problems that are a whole cause with its advice (an interrupted operation and all it
     * left): they become risks as they are, so scan, plan and the reports say the same thing once.
     */
    private List<Problem> causes() {
        return req.source().problems().stream().filter(p -> p.action() != null).toList();
    }

    private boolean explained(String path) {
        return causes().stream().anyMatch(p -> p.covers(path));
    }

    /** True when a leftover this cause covers names a VDI that is not on disk now. */
    private boolean leavesOutAVdi(Problem cause) {
        return req.source().leftovers().stream().anyMatch(l -> cause.covers(l.path()) && l.vdiUuid() != null
                && forest.get(l.vdiUuid()) == null);
    }

    private void leftovers() {
        Map<String, List<String>> missingVdis = new LinkedHashMap<>();
        for (Leftover l : req.source().leftovers()) {
            if (explained(l.path())) {
                continue; // its cause is one risk, from problems()
            }
            String vdi = l.vdiUuid();
            String of = vdi == null ? "" : " of VDI " + vdi;
            String kind = l.kind() == null ? "leftover" : l.kind();
            String message;
            String action;
            switch (kind) {
                case "snapshot-temp" -> {
                    message = "An interrupted snapshot" + of + " left the temporary file " + l.path()
                            + ". It is not a VDI and is not migrated.";
                    action = "Nothing to do for the migration: that snapshot does not exist; take it again if needed.";
                }
                case "old-leaf-coalesce", "journal-leaf" -> {
                    message = "The garbage collector's leaf-coalesce" + of + " was interrupted (" + l.path()
                            + (l.content() == null ? "" : ", value " + l.content()) + "). Depending on how far it got, "
                            + "the VDI's newest data is in the OLD_ image or already in its parent, and the VDI may "
                            + "be missing from the VDI list.";
                    action = SM_RECOVERS;
                }
                case "journal-coalesce", "journal-relink" -> {
                    message = "A coalesce" + of + " into its parent was interrupted (" + l.path() + "). The chains "
                            + "still read correctly: a child's blocks override the parent's.";
                    action = "Safe to migrate as is; SM's garbage collector redoes the coalesce the next time the SR "
                            + "is attached.";
                }
                case "journal-clone" -> {
                    message = "An LVHD snapshot" + of + " was interrupted (" + l.path()
                            + (l.content() == null ? "" : ", value " + l.content()) + "): the base copy may still be "
                            + "visible and the second child missing.";
                    action = SM_RECOVERS;
                }
                case "journal-inflate" -> {
                    message = "An LVHD inflate" + of + " was interrupted (" + l.path() + "): the LV may have no footer "
                            + "at its end.";
                    action = "The reader falls back to the footer copy at offset 0; " + SM_RECOVERS;
                }
                case "resize-journal" -> {
                    message = "A vhd-util resize" + of + " was interrupted (" + l.path() + "); the VHD may be "
                            + "disabled (poisoned cookie) until the journal is replayed.";
                    action = SM_RECOVERS;
                }
                default -> {
                    message = "Leftover of an interrupted SM operation (" + kind + "): " + l.path()
                            + (vdi == null ? "" : ", belongs to VDI " + vdi) + ". It is not migrated.";
                    action = SM_RECOVERS;
                }
            }
            add(Severity.WARNING, "leftover-" + kind, l.path(), message, action);
            if (vdi != null && forest.get(vdi) == null) {
                missingVdis.computeIfAbsent(vdi, k -> new ArrayList<>()).add(kind);
            }
        }
        // A user VDI a whole-SR plan leaves out is an error: the run would "succeed" without it.
        Severity missing = req.selection().all() ? Severity.ERROR : Severity.WARNING;
        missingVdis.forEach((vdi, kinds) -> add(missing, "vdi-mid-operation", vdi,
                "VDI " + vdi + " is named by leftovers (" + String.join(", ", kinds) + ") but is not a VDI on disk "
                        + "now, so this plan does not migrate it.",
                SM_RECOVERS));
    }

    private void problems() {
        Set<String> leftoverPaths = new HashSet<>();
        req.source().leftovers().forEach(l -> leftoverPaths.add(l.path()));
        Set<String> migratedChainPaths = new HashSet<>();
        for (String uuid : layout.volumeOf.keySet()) {
            for (String id : forest.chain(uuid)) {
                VdiEntry v = forest.get(id);
                if (v.path() != null) {
                    migratedChainPaths.add(v.path());
                }
            }
        }
        Set<String> vdiPaths = new HashSet<>();
        forest.all().forEach(v -> vdiPaths.add(v.path()));
        for (Problem p : req.source().problems()) {
            String code = p.code() == null ? "" : p.code();
            if (p.action() != null) {
                // A cause that keeps a user VDI off the disk leaves it out of a whole-SR plan: an error.
                add(req.selection().all() && leavesOutAVdi(p) ? Severity.ERROR : p.severity(), code, p.path(),
                        p.message(), p.action());
                continue;
            }
            if (code.startsWith("leftover-") || code.toLowerCase(Locale.ROOT).contains("encrypt")
                    || code.equals("hidden-leaf")) {
                continue; // reported above, with what to do
            }
            if (code.equals("block-cut-short") && migratedChainPaths.contains(p.path())) {
                // Reading on would present lost data as zeros: a disk that differs from what the
                // VM wrote, which only the admin can accept.
                add(Severity.ERROR, code, p.path(), p.path() + " was cut short: " + p.message()
                                + ". Migrated as it is, those bytes arrive as zeros, not as what the VM wrote.",
                        "Restore the image from a backup or copy it again from the host; or accept the zeros with "
                                + "--force " + code + ".");
            } else if (code.startsWith("interrupted-")) {
                add(Severity.WARNING, code, p.path(), p.message(), SM_RECOVERS);
            } else if (p.severity() == Severity.WARNING && migratedChainPaths.contains(p.path())) {
                add(Severity.WARNING, "chain-warning", p.path(), code + ": " + p.message(),
                        "The chain reads exactly, so it is migrated; look at it on the host if the finding surprises you.");
            } else if (p.severity() == Severity.ERROR && !vdiPaths.contains(p.path())
                    && !leftoverPaths.contains(p.path())) {
                add(Severity.WARNING, "damaged-item", p.path(), code + ": " + p.message(),
                        "Not part of any VDI this plan migrates; look at it on the host.");
            }
        }
    }

    private void chains() {
        for (String uuid : layout.volumeOf.keySet()) {
            VdiEntry v = forest.get(uuid);
            int depth = Math.max(v.depth(), forest.chain(uuid).size());
            if (depth >= DEEP_CHAIN) {
                add(Severity.WARNING, "deep-chain", uuid, "VDI " + uuid + " sits on a chain of " + depth + " images "
                                + "(SM refuses further snapshots from " + DEEP_CHAIN + "): every read crosses them all.",
                        "Nothing blocks the migration; expect lower read throughput for it. On the target the "
                                + "chain is gone: snapshots are volumes of their own.");
            }
        }
        for (VdiEntry v : forest.all()) {
            if (v.role() == VdiRole.HIDDEN_LEAF && !selection.isSelected(v.uuid())) {
                add(Severity.INFO, "hidden-leaf-skipped", v.uuid(), "Hidden leaf " + v.uuid() + " ("
                                + human(v.allocatedBytes()) + " allocated) is not migrated: XAPI does not show it and "
                                + "SM's garbage collector would delete it.",
                        "If it holds data you need, name it with --vdi: it is then migrated as a standalone volume.");
            }
            if (v.role() == VdiRole.BASE_COPY && forest.isLeaf(v) && !explained(v.path()) && !explained(v.lv())) {
                add(Severity.INFO, "base-copy-unused", v.uuid(), "Base copy " + v.uuid() + " has no VDI below it "
                                + "(only leftovers of interrupted operations name it), so nothing migrates it.",
                        SM_RECOVERS);
            }
            if (selection.isSelected(v.uuid()) && selection.isMigratable(v.uuid()) && !SourceForest.userVisible(v)) {
                String role = v.role().label().replace('-', ' ');
                add(Severity.INFO, "not-user-visible", v.uuid(), v.uuid() + " is a " + role + ", not a VDI XAPI"
                                + " shows; it is migrated as a standalone volume because it was named.",
                        "Nothing to do, if that is what you meant.");
            }
        }
    }

    private void trees() {
        for (String uuid : layout.volumeOf.keySet()) {
            SnapshotInfo info = req.snapshots().get(uuid);
            if (info != null && info.isASnapshot() && info.snapshotOf() != null
                    && !layout.volumeOf.containsKey(info.snapshotOf())) {
                add(Severity.INFO, "snapshot-of-not-migrated", uuid, "Snapshot " + uuid + " is a snapshot of "
                                + info.snapshotOf() + ", which this plan does not migrate: on the target it is a "
                                + "snapshot of nothing (snapshot_of empty; the source uuid is kept in "
                                + VolumeKeys.SOURCE_SNAPSHOT_OF + ").",
                        "Migrate " + info.snapshotOf() + " in the same plan to keep the link.");
            }
        }
    }

    private void names() {
        if (req.snapshots().isEmpty() && !layout.volumeOf.isEmpty()) {
            boolean file = "file".equals(req.source().type());
            add(Severity.INFO, "snapshot-records-unknown", null, (file
                            ? "File SRs keep names and the is_a_snapshot / snapshot_of records only in the XAPI "
                            + "database, so they are not on disk."
                            : "No snapshot records (LVHD MGT) were given to the planner.")
                            + " Migrated VDIs appear as ordinary disks (is_a_snapshot false), nameless ones named "
                            + "after their source uuid; copies that could be snapshots are writable clones.",
                    "After sr-scan, rename the VDIs and re-attach them to their VMs (the source uuid is in the "
                            + "volume key " + VolumeKeys.SOURCE_VDI + ").");
        }
    }
}
