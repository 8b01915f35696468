package org.smapimigrate.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.inventory.Leftover;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.plan.SnapshotInfo;

/**
 * The {@code scan --json} document: the contract scripts and later commands rely on. Keys are
 * snake_case and stable; absent values are JSON null rather than missing keys.
 */
public final class InventoryJson {
    private InventoryJson() {
    }

    public static Map<String, Object> toJson(SrInventory inv) {
        return toJson(inv, Map.of());
    }

    /**
     * With the snapshot records XAPI keeps in an LVHD SR's MGT ({@code is_a_snapshot},
     * {@code snapshot_of}, {@code snapshot_time}, as a plan's nodes carry them); null for a VDI
     * without one, and for every VDI of a file SR, whose records live only in the XAPI database.
     */
    public static Map<String, Object> toJson(SrInventory inv, Map<String, SnapshotInfo> snapshots) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> sr = new LinkedHashMap<>();
        sr.put("path", inv.path());
        sr.put("type", inv.type());
        sr.put("uuid", inv.uuid());
        sr.put("name_label", inv.nameLabel());
        root.put("sr", sr);
        List<Object> vdis = new ArrayList<>();
        for (VdiEntry v : inv.vdis()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("uuid", v.uuid());
            m.put("role", v.role().label());
            m.put("hidden", v.hidden());
            m.put("virtual_size", v.virtualSize());
            m.put("allocated_bytes", v.allocatedBytes());
            m.put("parent", v.parent());
            m.put("depth", v.depth());
            m.put("path", v.path());
            m.put("format", v.format());
            m.put("readable", v.readable());
            if ("lvm".equals(inv.type())) {
                m.put("lv", v.lv());
                m.put("name_label", v.nameLabel());
                m.put("name_description", v.nameDescription());
            }
            SnapshotInfo snap = snapshots.get(v.uuid());
            m.put("is_a_snapshot", snap == null ? null : snap.isASnapshot());
            m.put("snapshot_of", snap == null ? null : snap.snapshotOf());
            m.put("snapshot_time", snap == null ? null : snap.snapshotTime());
            vdis.add(m);
        }
        root.put("vdis", vdis);
        List<Object> leftovers = new ArrayList<>();
        for (Leftover l : inv.leftovers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", l.path());
            m.put("kind", l.kind());
            m.put("vdi_uuid", l.vdiUuid());
            m.put("content", l.content());
            m.put("readable", l.readable());
            leftovers.add(m);
        }
        root.put("leftovers", leftovers);
        List<Object> problems = new ArrayList<>();
        for (Problem p : inv.problems()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("severity", p.severity().label());
            m.put("code", p.code());
            m.put("path", p.path());
            m.put("message", p.message());
            m.put("action", p.action());
            m.put("related", p.related());
            problems.add(m);
        }
        root.put("problems", problems);
        return root;
    }
}
