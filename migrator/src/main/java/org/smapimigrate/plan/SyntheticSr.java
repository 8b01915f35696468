package org.smapimigrate.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;

/**
 * A made-up LVHD SR shaped like a busy pool's, for benchmarking the planner: VM disks with a
 * history of snapshots (a base copy per snapshot, an empty snapshot leaf beside it, the active
 * leaf at the end), some clones, plain disks, raw VDIs and hidden leaves. Deterministic per seed.
 *
 * @param inventory the SR
 * @param snapshots MGT-style snapshot records of its snapshot leaves
 */
public record SyntheticSr(SrInventory inventory, Map<String, SnapshotInfo> snapshots) {
    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    public static SyntheticSr generate(int vdis, long seed) {
        Random r = new Random(seed);
        List<VdiEntry> out = new ArrayList<>(vdis);
        Map<String, SnapshotInfo> snaps = new HashMap<>();
        while (out.size() < vdis) {
            int kind = r.nextInt(20);
            long size = (1 + r.nextInt(64)) * GIB;
            if (kind == 0) {
                out.add(entry(r, VdiRole.RAW, size, size, null, 1, "raw"));
            } else if (kind == 1) {
                out.add(entry(r, VdiRole.HIDDEN_LEAF, size, blocks(r, size), null, 1, "vhd"));
            } else if (kind < 6) {
                out.add(entry(r, VdiRole.USER, size, blocks(r, size), null, 1, "vhd"));
            } else {
                history(r, size, vdis - out.size(), out, snaps);
            }
        }
        return new SyntheticSr(new SrInventory("/dev/synthetic", "lvm", uuid(r).toString(), "synthetic SR",
                List.copyOf(out.subList(0, Math.min(out.size(), vdis))), List.of(), List.of()), Map.copyOf(snaps));
    }

    /** A VM disk snapshotted 1 to 8 times, each snapshot leaving a base copy and a snapshot leaf. */
    private static void history(Random r, long size, int room, List<VdiEntry> out, Map<String, SnapshotInfo> snaps) {
        int snapshots = Math.max(1, Math.min(1 + r.nextInt(8), (room - 1) / 2));
        if (room < 3) {
            out.add(entry(r, VdiRole.USER, size, blocks(r, size), null, 1, "vhd"));
            return;
        }
        String active = uuid(r).toString();
        String parent = null;
        int depth = 0;
        List<String> snapLeaves = new ArrayList<>();
        for (int i = 0; i < snapshots; i++) {
            depth++;
            VdiEntry base = entry(r, VdiRole.BASE_COPY, size, blocks(r, size), parent, depth, "vhd");
            out.add(base);
            VdiEntry snap = entry(r, VdiRole.USER, size, 0, base.uuid(), depth + 1, "vhd");
            out.add(snap);
            snapLeaves.add(snap.uuid());
            parent = base.uuid();
            if (r.nextInt(10) == 0 && out.size() < out.size() + room - 2 * (i + 1)) {
                out.add(entry(r, VdiRole.USER, size, blocks(r, size), base.uuid(), depth + 1, "vhd")); // a clone
            }
            if (r.nextInt(15) == 0) {
                size += GIB; // a resize after this snapshot: the children are larger than their parent
            }
        }
        out.add(new VdiEntry(active, VdiRole.USER, false, size, blocks(r, size), parent, depth + 1,
                "VG_XenStorage:VHD-" + active, "VHD-" + active, "disk " + active.substring(0, 8), null, true, "vhd"));
        int t = 0;
        for (String s : snapLeaves) {
            snaps.put(s, new SnapshotInfo(true, active, String.format("2026%02d%02dT08:30:00Z", 1 + t / 28, 1 + t % 28)));
            t++;
        }
    }

    private static long blocks(Random r, long size) {
        long max = size / (2 * MIB);
        return (long) (max * r.nextDouble() * 0.6) * 2 * MIB;
    }

    private static VdiEntry entry(Random r, VdiRole role, long size, long allocated, String parent, int depth,
                                  String format) {
        String id = uuid(r).toString();
        String lv = (format.equals("raw") ? "LV-" : "VHD-") + id;
        return new VdiEntry(id, role, role == VdiRole.BASE_COPY || role == VdiRole.HIDDEN_LEAF, size, allocated, parent,
                depth, "VG_XenStorage:" + lv, lv, role == VdiRole.BASE_COPY ? "base copy" : "disk " + id.substring(0, 8),
                null, true, format);
    }

    private static UUID uuid(Random r) {
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo);
    }
}
