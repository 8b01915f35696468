package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Judging the stand-in's database (its dump) before and after a VM migration, by the datamodel's fields only. */
final class VmStateAssertions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private VmStateAssertions() {
    }

    static JsonNode vdiAt(JsonNode db, String sr, String location) {
        for (Iterator<Map.Entry<String, JsonNode>> it = db.get("VDI").fields(); it.hasNext(); ) {
            JsonNode v = it.next().getValue();
            if (v.get("SR").asText().equals(sr) && v.get("location").asText().equals(location)) {
                return v;
            }
        }
        throw new AssertionError("no VDI at " + location);
    }

    private static ObjectNode without(JsonNode row, String... fields) {
        ObjectNode c = row.deepCopy();
        for (String f : fields) {
            c.remove(f);
        }
        return c;
    }

    /**
     * Exactly the expected difference: new VDIs only in the target SR; the repointed VBDs (the
     * Disk VBDs of app-server and its snapshots) replaced by VBDs with the same fields on new VDIs
     * (mode RO where the new VDI is read-only); reverse relations (VM.VBDs, VDI.VBDs, SR.VDIs) and
     * the target SR's sizes follow; every other row of every table unchanged.
     */
    static void expectedDifference(ObjectNode before, ObjectNode after, VmPoolFixture pool) {
        Set<String> moved = new HashSet<>(pool.snapshots);
        moved.add(pool.app);
        assertEquals(setOf(before.fieldNames()), setOf(after.fieldNames()));
        for (String table : setOf(before.fieldNames())) {
            JsonNode b = before.get(table);
            JsonNode a = after.get(table);
            switch (table) {
                case "VM" -> {
                    assertEquals(setOf(b.fieldNames()), setOf(a.fieldNames()), "no VM added or removed");
                    b.fields().forEachRemaining(e -> assertEquals(moved.contains(e.getKey())
                                    ? without(e.getValue(), "VBDs") : e.getValue(),
                            moved.contains(e.getKey()) ? without(a.get(e.getKey()), "VBDs") : a.get(e.getKey()),
                            "VM " + e.getValue().get("name_label")));
                }
                case "SR" -> b.fields().forEachRemaining(e -> assertEquals(e.getKey().equals(pool.v3Sr)
                                ? without(e.getValue(), "VDIs", "physical_utilisation", "physical_size", "virtual_allocation")
                                : e.getValue(), e.getKey().equals(pool.v3Sr) ? without(a.get(e.getKey()), "VDIs",
                                "physical_utilisation", "physical_size", "virtual_allocation") : a.get(e.getKey()),
                        "SR " + e.getKey()));
                case "VDI" -> {
                    b.fields().forEachRemaining(e -> assertEquals(without(e.getValue(), "VBDs"),
                            without(a.get(e.getKey()) == null ? JSON.createObjectNode() : a.get(e.getKey()), "VBDs"),
                            "source VDI " + e.getValue().get("uuid")));
                    a.fields().forEachRemaining(e -> assertTrue(b.has(e.getKey())
                            || e.getValue().get("SR").asText().equals(pool.v3Sr), "a new VDI outside the target SR"));
                }
                case "VBD" -> {
                    int replaced = 0;
                    for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        JsonNode old = e.getValue();
                        boolean repointed = moved.contains(old.get("VM").asText()) && old.get("type").asText().equals("Disk");
                        if (!repointed) {
                            assertEquals(old, a.get(e.getKey()), "VBD left alone");
                            continue;
                        }
                        assertTrue(!a.has(e.getKey()), "the old VBD is gone");
                        JsonNode now = vbdAt(after, old.get("VM").asText(), old.get("userdevice").asText());
                        JsonNode vdi = after.get("VDI").get(now.get("VDI").asText());
                        assertEquals(pool.v3Sr, vdi.get("SR").asText());
                        ObjectNode want = without(old, "uuid", "VDI", "device", "mode");
                        assertEquals(want, without(now, "uuid", "VDI", "device", "mode"), "new VBD's fields");
                        assertEquals(vdi.get("read_only").asBoolean() ? "RO" : old.get("mode").asText(),
                                now.get("mode").asText());
                        replaced++;
                    }
                    assertEquals(6, replaced);
                    assertEquals(b.size(), a.size(), "as many VBDs as before");
                }
                default -> assertEquals(b, a, "table " + table);
            }
        }
    }

    private static JsonNode vbdAt(JsonNode db, String vm, String userdevice) {
        for (Iterator<Map.Entry<String, JsonNode>> it = db.get("VBD").fields(); it.hasNext(); ) {
            JsonNode v = it.next().getValue();
            if (v.get("VM").asText().equals(vm) && v.get("userdevice").asText().equals(userdevice)) {
                return v;
            }
        }
        throw new AssertionError("no VBD " + userdevice + " on " + vm);
    }

    /** The Disk VBDs of app-server and its snapshots point at new VDIs that carry the source's names, tags, other_config and snapshot links. */
    static void newVdisCarryTheOldMetadata(ObjectNode db, VmPoolFixture pool) {
        newVdisCarryTheOldMetadata(db, pool, true);
    }

    /**
     * As above; {@code snapshotTimeCarried} false for remote mode, where a copy's snapshot is made
     * by VDI.snapshot and XAPI gives it the time it was taken (the setter is LOCAL_ROOT_ONLY and
     * undone by scans: xapi-integration.md §3), so only its being a snapshot of the right copy is checked.
     */
    static void newVdisCarryTheOldMetadata(ObjectNode db, VmPoolFixture pool, boolean snapshotTimeCarried) {
        List<String> vms = new ArrayList<>(pool.snapshots);
        vms.add(pool.app);
        Map<String, String> newBySource = new HashMap<>();
        db.get("VDI").fields().forEachRemaining(e -> {
            String s = e.getValue().get("other_config").path("smapi-migrate.source-vdi").asText(null);
            if (s != null) {
                newBySource.put(s, e.getKey());
            }
        });
        int checked = 0;
        for (String vm : vms) {
            for (JsonNode ref : db.get("VM").get(vm).get("VBDs")) {
                JsonNode vbd = db.get("VBD").get(ref.asText());
                if (!vbd.get("type").asText().equals("Disk")) {
                    assertEquals(true, vbd.get("empty").asBoolean(), "the CD stays empty");
                    continue;
                }
                JsonNode nu = db.get("VDI").get(vbd.get("VDI").asText());
                String sourceUuid = nu.get("other_config").get("smapi-migrate.source-vdi").asText();
                JsonNode src = byUuid(db, sourceUuid);
                for (String f : List.of("name_label", "name_description", "tags", "is_a_snapshot", "snapshot_time",
                        "virtual_size", "type")) {
                    if (f.equals("snapshot_time") && !snapshotTimeCarried) {
                        continue;
                    }
                    assertEquals(src.get(f), nu.get(f), f + " of the copy of " + sourceUuid);
                }
                ObjectNode oc = nu.get("other_config").deepCopy();
                oc.remove("smapi-migrate.source-vdi");
                assertTrue(oc.get("smapi-migrate.digest").asText().length() > 20, "the manifest digest");
                oc.remove("smapi-migrate.digest");
                assertEquals(src.get("other_config"), oc);
                if (src.get("is_a_snapshot").asBoolean()) {
                    String parentSource = db.get("VDI").get(src.get("snapshot_of").asText()).get("uuid").asText();
                    assertEquals(newBySource.get(parentSource), nu.get("snapshot_of").asText(),
                            "the copy is a snapshot of the parent's copy");
                }
                checked++;
            }
        }
        assertEquals(6, checked);
    }

    private static JsonNode byUuid(JsonNode db, String uuid) {
        for (Iterator<Map.Entry<String, JsonNode>> it = db.get("VDI").fields(); it.hasNext(); ) {
            JsonNode v = it.next().getValue();
            if (v.get("uuid").asText().equals(uuid)) {
                return v;
            }
        }
        throw new AssertionError("no VDI " + uuid);
    }

    /** Each VM's blocked operations and VBDs (by userdevice, VDI by uuid; uuid and device left out: xapi sets them). */
    static Map<String, Object> vbdsAndBlocks(JsonNode db) {
        Map<String, Object> out = new TreeMap<>();
        db.get("VM").fields().forEachRemaining(e -> {
            Map<String, Object> vm = new TreeMap<>();
            vm.put("blocked_operations", e.getValue().get("blocked_operations"));
            for (JsonNode r : e.getValue().get("VBDs")) {
                ObjectNode vbd = without(db.get("VBD").get(r.asText()), "uuid", "device");
                String vdi = vbd.get("VDI").asText();
                vbd.put("VDI", db.get("VDI").has(vdi) ? db.get("VDI").get(vdi).get("uuid").asText() : vdi);
                vm.put(vbd.get("userdevice").asText(), vbd);
            }
            out.put(e.getValue().get("name_label").asText(), vm);
        });
        return out;
    }

    /**
     * The pool's state without anything random (refs, uuids): each VM by name with its blocked
     * operations and VBDs, each VDI described by SR name, names, snapshot fields, tags and
     * other_config (a uuid value replaced by the VDI's description), per SR.
     */
    static String canonical(JsonNode db) {
        Map<String, String> label = new HashMap<>();
        db.get("VDI").fields().forEachRemaining(e -> label.put(e.getValue().get("uuid").asText(),
                db.get("SR").get(e.getValue().get("SR").asText()).get("name_label").asText() + "/"
                        + e.getValue().get("name_label").asText() + "@" + e.getValue().get("snapshot_time").asText()));
        Map<String, Object> out = new TreeMap<>();
        Map<String, List<String>> srs = new TreeMap<>();
        db.get("VDI").fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            ObjectNode d = without(v, "uuid", "location", "SR", "VBDs", "snapshots", "snapshot_of", "physical_utilisation");
            ObjectNode oc = (ObjectNode) d.get("other_config");
            String src = oc.path("smapi-migrate.source-vdi").asText(null);
            if (src != null) {
                oc.put("smapi-migrate.source-vdi", label.get(src));
            }
            String of = v.get("snapshot_of").asText();
            d.put("snapshot_of", db.get("VDI").has(of) ? label.get(db.get("VDI").get(of).get("uuid").asText()) : "");
            srs.computeIfAbsent(db.get("SR").get(v.get("SR").asText()).get("name_label").asText(), k -> new ArrayList<>())
                    .add(d.toString());
        });
        srs.values().forEach(l -> l.sort(null));
        out.put("srs", srs);
        Map<String, Object> vbds = vbdsAndBlocks(db);
        out.put("vms", vbds.toString().replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "U"));
        return out.toString();
    }

    private static Set<String> setOf(Iterator<String> it) {
        Set<String> s = new java.util.TreeSet<>();
        it.forEachRemaining(s::add);
        return s;
    }
}
