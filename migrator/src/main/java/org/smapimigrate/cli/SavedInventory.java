package org.smapimigrate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.smapimigrate.inventory.Leftover;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;
import org.smapimigrate.plan.SnapshotInfo;

/**
 * An inventory saved with {@code smapi-migrate scan --json} (the InventoryJson document), read back
 * so a plan can be made away from the SR. Optional per-VDI keys {@code is_a_snapshot},
 * {@code snapshot_of} and {@code snapshot_time} are taken as snapshot records. Every error names
 * the file and the field.
 */
record SavedInventory(SrInventory inventory, Map<String, SnapshotInfo> snapshots) {

    static SavedInventory read(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UserError(file + ": not a JSON inventory (" + e.getMessage().lines().findFirst().orElse("")
                    + "); save one with 'smapi-migrate scan --json SR > FILE'");
        }
        if (root == null || !root.isObject()) {
            throw new UserError(file + ": not a JSON inventory: expected an object with sr, vdis, leftovers, problems");
        }
        JsonNode sr = object(root, "sr", file);
        List<VdiEntry> vdis = new ArrayList<>();
        Map<String, SnapshotInfo> snapshots = new LinkedHashMap<>();
        int i = 0;
        for (JsonNode v : array(root, "vdis", file)) {
            String where = "vdis[" + i++ + "]";
            String uuid = text(v, "uuid", file, where, true);
            String path = text(v, "path", file, where, false);
            String format = text(v, "format", file, where, false);
            if (format == null) {
                format = path != null && path.endsWith(".raw") ? "raw" : "vhd";
            }
            vdis.add(new VdiEntry(uuid, role(text(v, "role", file, where, true), file, where),
                    bool(v, "hidden", false), number(v, "virtual_size", file, where),
                    number(v, "allocated_bytes", file, where), text(v, "parent", file, where, false),
                    (int) Math.min(Integer.MAX_VALUE, v.has("depth") ? number(v, "depth", file, where) : 1), path,
                    text(v, "lv", file, where, false), text(v, "name_label", file, where, false),
                    text(v, "name_description", file, where, false), bool(v, "readable", true), format));
            if (v.has("is_a_snapshot") && !v.get("is_a_snapshot").isNull()) {
                JsonNode s = v.get("is_a_snapshot");
                boolean snap = s.isBoolean() ? s.asBoolean() : "1".equals(s.asText()) || "true".equals(s.asText());
                String of = text(v, "snapshot_of", file, where, false);
                String time = text(v, "snapshot_time", file, where, false);
                snapshots.put(uuid, new SnapshotInfo(snap, of == null || of.isEmpty() ? null : of,
                        time == null || time.isEmpty() ? null : time));
            }
        }
        List<Leftover> leftovers = new ArrayList<>();
        i = 0;
        for (JsonNode l : optionalArray(root, "leftovers", file)) {
            String where = "leftovers[" + i++ + "]";
            leftovers.add(new Leftover(text(l, "path", file, where, true), text(l, "kind", file, where, true),
                    text(l, "vdi_uuid", file, where, false), text(l, "content", file, where, false),
                    l.has("readable") && !l.get("readable").isNull() ? l.get("readable").asBoolean() : null));
        }
        List<Problem> problems = new ArrayList<>();
        i = 0;
        for (JsonNode p : optionalArray(root, "problems", file)) {
            String where = "problems[" + i++ + "]";
            String sev = text(p, "severity", file, where, true);
            Severity severity;
            try {
                severity = Severity.valueOf(sev.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UserError(file + ": " + where + ".severity is \"" + sev + "\"; expected info, warning or error");
            }
            String message = text(p, "message", file, where, false);
            String code = text(p, "code", file, where, true);
            List<String> related = new ArrayList<>();
            int j = 0;
            for (JsonNode r : optionalArray(p, "related", file)) {
                if (!r.isTextual()) {
                    throw new UserError(file + ": " + where + ".related[" + j + "] should be a string, not " + r);
                }
                related.add(r.asText());
                j++;
            }
            problems.add(new Problem(severity, code, text(p, "path", file, where, false),
                    message == null ? code : message, text(p, "action", file, where, false), related));
        }
        return new SavedInventory(new SrInventory(text(sr, "path", file, "sr", false), text(sr, "type", file, "sr", true),
                text(sr, "uuid", file, "sr", false), text(sr, "name_label", file, "sr", false), vdis, leftovers, problems),
                snapshots);
    }

    private static VdiRole role(String label, Path file, String where) {
        for (VdiRole r : VdiRole.values()) {
            if (r.label().equals(label)) {
                return r;
            }
        }
        throw new UserError(file + ": " + where + ".role is \"" + label + "\"; expected user, base-copy, raw or hidden-leaf");
    }

    private static JsonNode object(JsonNode n, String field, Path file) {
        JsonNode v = n.get(field);
        if (v == null || !v.isObject()) {
            throw new UserError(file + ": field \"" + field + "\" is missing or not an object");
        }
        return v;
    }

    private static JsonNode array(JsonNode n, String field, Path file) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            throw new UserError(file + ": field \"" + field + "\" is missing or not a list");
        }
        return v;
    }

    private static Iterable<JsonNode> optionalArray(JsonNode n, String field, Path file) {
        return n.has(field) && !n.get(field).isNull() ? array(n, field, file) : List.of();
    }

    private static String text(JsonNode n, String field, Path file, String where, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new UserError(file + ": " + where + "." + field + " is missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new UserError(file + ": " + where + "." + field + " should be a string, not " + v);
        }
        return v.asText();
    }

    private static long number(JsonNode n, String field, Path file, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || v.asLong() < 0) {
            throw new UserError(file + ": " + where + "." + field + " should be a whole number of bytes, not " + v);
        }
        return v.asLong();
    }

    private static boolean bool(JsonNode n, String field, boolean absent) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? absent : v.asBoolean();
    }
}
