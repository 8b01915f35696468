package org.smapimigrate.vm.transport;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A disk and the snapshots of it that move with it, oldest first: the order in which one working
 * VDI on the target is filled and snapshotted so that the copies form the same snapshot tree
 * (xapi-integration.md section 4, "SXM v3 design": "mirror each snapshot into one working
 * destination VDI and then VDI.snapshot it ... mirror the live leaf last"). A disk without
 * snapshots is a chain of one layer.
 *
 * @param layers the snapshots, oldest first, then the disk itself
 */
record DiskChain(List<DiskToMove> layers) {

    DiskChain {
        layers = List.copyOf(layers);
    }

    DiskToMove head() {
        return layers.get(layers.size() - 1);
    }

    DiskToMove first() {
        return layers.get(0);
    }

    boolean isLast(int i) {
        return i == layers.size() - 1;
    }

    /**
     * Groups the disks into chains. A snapshot goes with the disk it is a snapshot of when that disk
     * is moved too, has the same virtual size and type, and the target can snapshot; otherwise it
     * is copied as a VDI of its own and {@code note} says what is not carried.
     */
    static List<DiskChain> of(List<DiskToMove> disks, boolean targetCanSnapshot, Consumer<String> note) {
        Map<String, DiskToMove> byUuid = new LinkedHashMap<>();
        for (DiskToMove d : disks) {
            if (byUuid.put(d.sourceVdiUuid(), d) != null) {
                throw new IllegalArgumentException("VDI " + d.sourceVdiUuid() + " is listed twice");
            }
        }
        Map<String, List<DiskToMove>> snapshotsOf = new LinkedHashMap<>();
        List<DiskToMove> alone = new ArrayList<>();
        for (DiskToMove d : disks) {
            String of = d.snapshotOfSourceUuid();
            if (!d.isASnapshot() || of == null) {
                continue;
            }
            DiskToMove parent = byUuid.get(of);
            String why = null;
            if (parent == null) {
                why = "the disk it is a snapshot of (" + of + ") is not moved";
            } else if (parent.isASnapshot()) {
                why = "it is a snapshot of a snapshot";
            } else if (parent.virtualSize() != d.virtualSize()) {
                why = "its size differs from the disk's (the disk was resized since)";
            } else if (!String.valueOf(parent.type()).equals(String.valueOf(d.type()))) {
                why = "its type differs from the disk's (a snapshot on the target inherits the disk's type)";
            } else if (!targetCanSnapshot) {
                why = "the target SR cannot snapshot (no VDI_SNAPSHOT capability)";
            }
            if (why == null) {
                snapshotsOf.computeIfAbsent(of, k -> new ArrayList<>()).add(d);
            } else {
                note.accept("snapshot VDI " + d.sourceVdiUuid() + " is copied as a plain VDI, not as a snapshot: " + why);
                alone.add(d);
            }
        }
        List<DiskChain> chains = new ArrayList<>();
        for (DiskToMove d : disks) {
            boolean grouped = d.isASnapshot() && d.snapshotOfSourceUuid() != null && !alone.contains(d);
            if (grouped) {
                continue;
            }
            List<DiskToMove> layers = new ArrayList<>(snapshotsOf.getOrDefault(d.sourceVdiUuid(), List.of()));
            // snapshot_time is YYYYMMDDTHH:MM:SSZ (section 1), so text order is time order; uuid breaks ties.
            layers.sort(Comparator.comparing((DiskToMove s) -> s.snapshotTime() == null ? "" : s.snapshotTime())
                    .thenComparing(DiskToMove::sourceVdiUuid));
            layers.add(d);
            chains.add(new DiskChain(layers));
        }
        return chains;
    }
}
