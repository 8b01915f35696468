package org.smapimigrate.batch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;
import org.smapimigrate.plan.SnapshotInfo;
import org.smapimigrate.plan.SnapshotRecords;
import org.smapimigrate.source.XvaRepository;

/**
 * The VDIs a job takes from one source, and which of them are moved together. 'all' means what
 * XAPI shows (non-hidden leaves and raw VDIs, as the planner's selection); named VDIs are those
 * of the list this source holds (an XVA's disks also by name or {@code Ref:N}).
 *
 * <p>Selected VDIs of one snapshot tree (same root image) form one unit: the engine plans and runs
 * them as one plan, so the tree is written once and its snapshots and clones made on the target,
 * as 'migrate --sr SR --vdi A --vdi B' does. A unit is the same set on every run (the whole
 * selection of its tree), so its plan file, journal and manifests are found again.
 */
public final class SourceSelection {
    private final SrInventory inventory;
    private final Map<String, SnapshotInfo> snapshots;
    private final List<String> selected;
    private final Map<String, VdiEntry> byUuid = new HashMap<>();

    private SourceSelection(SrInventory inventory, Map<String, SnapshotInfo> snapshots, List<String> selected) {
        this.inventory = inventory;
        this.snapshots = snapshots;
        this.selected = List.copyOf(selected);
        for (VdiEntry v : inventory.vdis()) {
            byUuid.putIfAbsent(v.uuid(), v);
        }
    }

    public static SourceSelection of(Job job, StorageRepository source) throws IOException {
        SrInventory inv = source.inventory();
        Set<String> out = new LinkedHashSet<>();
        if (job.allVdis()) {
            for (VdiEntry v : inv.vdis()) {
                if (v.role() == VdiRole.USER || v.role() == VdiRole.RAW) {
                    out.add(v.uuid());
                }
            }
        } else {
            for (String asked : job.vdis()) {
                if (inv.vdi(asked) != null) {
                    out.add(asked);
                } else if (source instanceof XvaRepository xva) {
                    try {
                        out.addAll(xva.vdiIds(List.of(asked)));
                    } catch (IOException e) {
                        // not a disk of this archive: another of the job's archives may hold it
                    }
                }
            }
        }
        return new SourceSelection(inv, SnapshotRecords.of(source), new ArrayList<>(out));
    }

    public SrInventory inventory() {
        return inventory;
    }

    /** What the SR itself records about snapshots (an LVHD SR's MGT volume), for the planner. */
    public Map<String, SnapshotInfo> snapshots() {
        return snapshots;
    }

    /** The selected VDI ids, in inventory order. */
    public List<String> selected() {
        return selected;
    }

    public VdiEntry entry(String vdi) {
        return byUuid.get(vdi);
    }

    /** The selected VDIs moved with {@code vdi}: those of its snapshot tree, sorted. */
    public List<String> unitOf(String vdi) {
        String root = rootOf(vdi);
        return selected.stream().filter(v -> rootOf(v).equals(root)).sorted().toList();
    }

    /**
     * The top of the chain; a missing parent ends the walk where it is, and a loop of parents
     * (a damaged SR) is named by its smallest uuid, the same whichever member the walk entered by.
     */
    private String rootOf(String vdi) {
        List<String> seen = new ArrayList<>();
        String at = vdi;
        while (!seen.contains(at)) {
            seen.add(at);
            VdiEntry e = byUuid.get(at);
            if (e == null || e.parent() == null || !byUuid.containsKey(e.parent())) {
                return at;
            }
            at = e.parent();
        }
        return seen.subList(seen.indexOf(at), seen.size()).stream().min(String::compareTo).orElse(at);
    }

    /** Allocated bytes of the VDI's chain, its own image to the root: what flattening it reads at most. */
    public long chainAllocated(String vdi) {
        long sum = 0;
        Set<String> seen = new LinkedHashSet<>();
        for (String at = vdi; at != null && seen.add(at); ) {
            VdiEntry e = byUuid.get(at);
            if (e == null) {
                break;
            }
            sum += Math.max(0, e.allocatedBytes());
            at = e.parent();
        }
        return sum;
    }
}
