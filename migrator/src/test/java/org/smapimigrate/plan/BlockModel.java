package org.smapimigrate.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;

/**
 * A simple model of a SMAPIv1 SR at 2 MiB-block granularity: each image has a size and the blocks it
 * holds itself (value 0 stands for a block written with zeros, which still hides the parent's data).
 * Reading follows the blktap rule: past a node's own size zeros, a held block from the node,
 * otherwise the parent, zeros at the root (smapiv1-layout.md part C).
 */
final class BlockModel {
    static final long BLOCK = 2L << 20;

    record Image(String uuid, String parent, int blocks, Map<Integer, Integer> own, boolean raw) {
    }

    final Map<String, Image> images = new HashMap<>();
    final Map<String, SnapshotInfo> snapshots = new HashMap<>();
    SrInventory inventory;

    int read(String uuid, int block) {
        Image n = images.get(uuid);
        int guard = 0;
        while (n != null && guard++ <= images.size()) {
            if (block >= n.blocks()) {
                return 0;
            }
            Integer v = n.own().get(block);
            if (v != null) {
                return v;
            }
            n = n.parent() == null ? null : images.get(n.parent());
        }
        return 0;
    }

    int[] flattened(String uuid) {
        int[] out = new int[images.get(uuid).blocks()];
        for (int b = 0; b < out.length; b++) {
            out[b] = read(uuid, b);
        }
        return out;
    }

    /**
     * A random SR of n images: trees of base copies with snapshot leaves, clones and active leaves,
     * children mostly the parent's size, sometimes larger or smaller, a few hidden leaves, raw roots
     * and unreadable images; snapshot records for some leaves.
     */
    static BlockModel random(long seed, int n) {
        return random(seed, n, true);
    }

    static BlockModel random(long seed, int n, boolean shrinks) {
        Random r = new Random(seed);
        BlockModel m = new BlockModel();
        List<String> ids = new ArrayList<>();
        Map<String, List<String>> kids = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String id = String.format("%08x-0000-4000-8000-%012x", r.nextInt() & 0x7fffffff, (long) i);
            String parent = ids.isEmpty() || r.nextInt(5) == 0 ? null : ids.get(r.nextInt(ids.size()));
            Image p = parent == null ? null : m.images.get(parent);
            if (p != null && p.raw() && r.nextBoolean()) {
                parent = null;
                p = null;
            }
            int blocks;
            if (p == null) {
                blocks = 1 + r.nextInt(8);
            } else {
                int k = r.nextInt(10);
                blocks = k == 0 && shrinks ? Math.max(1, p.blocks() - 1 - r.nextInt(2)) : k == 1 ? p.blocks() + 1 + r.nextInt(3)
                        : p.blocks();
            }
            boolean raw = parent == null && r.nextInt(6) == 0;
            Map<Integer, Integer> own = new HashMap<>();
            for (int b = 0; b < blocks; b++) {
                if (raw || r.nextInt(3) == 0) {
                    own.put(b, r.nextInt(4)); // 0: a block written with zeros
                }
            }
            if (!raw && r.nextInt(4) == 0) {
                own.clear(); // empty snapshot leaves and fresh children are common
            }
            m.images.put(id, new Image(id, parent, blocks, own, raw));
            ids.add(id);
            if (parent != null) {
                kids.computeIfAbsent(parent, k -> new ArrayList<>()).add(id);
            }
        }
        List<VdiEntry> vdis = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        List<String> leaves = new ArrayList<>();
        for (String id : ids) {
            Image img = m.images.get(id);
            boolean leaf = !kids.containsKey(id);
            boolean hidden = leaf ? r.nextInt(10) == 0 : r.nextInt(8) != 0;
            VdiRole role = !leaf ? VdiRole.BASE_COPY : img.raw() ? VdiRole.RAW : hidden ? VdiRole.HIDDEN_LEAF : VdiRole.USER;
            boolean readable = r.nextInt(25) != 0;
            String path = "/sr/" + id + (img.raw() ? ".raw" : ".vhd");
            if (!readable) {
                problems.add(new Problem(Severity.ERROR, "corrupt-footer", path, "no valid footer"));
            }
            int depth = 0;
            for (String c = id; c != null; c = m.images.get(c).parent()) {
                depth++;
            }
            vdis.add(new VdiEntry(id, role, img.raw() ? false : hidden, img.blocks() * BLOCK, img.own().size() * BLOCK,
                    img.parent(), depth, path, null, r.nextBoolean() ? "disk " + id.substring(0, 4) : null, null,
                    readable, img.raw() ? "raw" : "vhd"));
            if (leaf && role == VdiRole.USER) {
                leaves.add(id);
            }
        }
        // The readable flag covers the whole chain, as the reader sets it.
        Map<String, VdiEntry> byId = new HashMap<>();
        vdis.forEach(v -> byId.put(v.uuid(), v));
        List<VdiEntry> fixed = new ArrayList<>();
        for (VdiEntry v : vdis) {
            boolean ok = true;
            for (String c = v.uuid(); c != null; c = byId.get(c).parent()) {
                ok &= byId.get(c).readable();
            }
            fixed.add(new VdiEntry(v.uuid(), v.role(), v.hidden(), v.virtualSize(), v.allocatedBytes(), v.parent(),
                    v.depth(), v.path(), v.lv(), v.nameLabel(), v.nameDescription(), ok, v.format()));
        }
        for (String id : leaves) {
            if (r.nextInt(3) == 0) {
                String of = leaves.get(r.nextInt(leaves.size()));
                m.snapshots.put(id, new SnapshotInfo(true, of.equals(id) ? null : of, "20260312T08:30:00Z"));
            } else if (r.nextBoolean()) {
                m.snapshots.put(id, new SnapshotInfo(false, null, null));
            }
        }
        m.inventory = new SrInventory("/sr", r.nextBoolean() ? "lvm" : "file",
                "b0fca227-5603-4f8a-b1be-036360633f13", null, fixed, List.of(), problems);
        return m;
    }
}
