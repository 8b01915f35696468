package org.smapimigrate.xapi.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The stand-in's in-memory database: one table per datamodel class (VM, VBD, VDI, SR, PBD, host,
 * pool, SM, session, task), rows keyed by {@code OpaqueRef:<uuid>}, each row a JSON record with
 * every field of the class. New rows get the datamodel defaults; the one-to-many relations XAPI
 * keeps (VBD.VM/VM.VBDs, VBD.VDI/VDI.VBDs, VDI.SR/SR.VDIs, PBD.SR/SR.PBDs, PBD.host/host.PBDs,
 * snapshot_of/snapshots for VM and VDI, VM.resident_on/host.resident_VMs, VM.parent/children) are
 * maintained on both sides. Values are checked against the field's datamodel type and enums are
 * stored in the datamodel's spelling (XAPI matches them case-insensitively, xapi-integration.md
 * section 1). Not thread-safe: {@link XapiStandIn} serialises access.
 */
public final class StandInDatabase {
    public static final String NULL_REF = "OpaqueRef:NULL";
    static final List<String> CLASSES = List.of("pool", "host", "SM", "SR", "PBD", "VDI", "VM", "VBD", "session", "task");
    private static final List<String[]> RELATIONS = List.of(
            new String[] {"VBD", "VM", "VM", "VBDs"},
            new String[] {"VBD", "VDI", "VDI", "VBDs"},
            new String[] {"VDI", "SR", "SR", "VDIs"},
            new String[] {"PBD", "SR", "SR", "PBDs"},
            new String[] {"PBD", "host", "host", "PBDs"},
            new String[] {"VM", "snapshot_of", "VM", "snapshots"},
            new String[] {"VDI", "snapshot_of", "VDI", "snapshots"},
            new String[] {"VM", "resident_on", "host", "resident_VMs"},
            new String[] {"VM", "parent", "VM", "children"},
            new String[] {"task", "subtask_of", "task", "subtasks"});
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Datamodel model = Datamodel.get();
    private final Map<String, Map<String, ObjectNode>> tables = new LinkedHashMap<>();

    StandInDatabase() {
        for (String c : CLASSES) {
            tables.put(c, new TreeMap<>());
        }
    }

    /** Creates a row with the datamodel defaults, a fresh uuid (unless given) and {@code fields}; returns its ref. */
    public synchronized String create(String cls, Map<String, ?> fields) {
        Datamodel.ClassModel cm = model.require(cls);
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        for (Datamodel.Field f : cm.fields().values()) {
            row.set(f.name(), defaultOf(f));
        }
        row.put("uuid", UUID.randomUUID().toString());
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            Datamodel.Field f = cm.fields().get(e.getKey());
            if (f == null) {
                throw new IllegalArgumentException(cls + " has no field " + e.getKey());
            }
            row.set(f.name(), coerce(cls, f, JSON.valueToTree(e.getValue())));
        }
        String uuid = row.get("uuid").asText();
        if (refOfUuid(cls, uuid).isPresent()) {
            throw new XapiFailure("INTERNAL_ERROR", "Db_exn.Uniqueness_constraint_violation(\"" + cls
                    + "\", \"uuid\", \"" + uuid + "\")");
        }
        String ref = "OpaqueRef:" + UUID.randomUUID();
        tables.get(cls).put(ref, row);
        for (String[] rel : RELATIONS) {
            if (rel[0].equals(cls)) {
                link(rel, row.path(rel[1]).asText(NULL_REF), ref, true);
            }
        }
        return ref;
    }

    /** Removes a row and its entries in the parents' sets. References to it elsewhere dangle, as in XAPI's database. */
    public synchronized void destroy(String cls, String ref) {
        ObjectNode row = row(cls, ref);
        for (String[] rel : RELATIONS) {
            if (rel[0].equals(cls)) {
                link(rel, row.path(rel[1]).asText(NULL_REF), ref, false);
            }
        }
        tables.get(cls).remove(ref);
    }

    public synchronized boolean exists(String cls, String ref) {
        Map<String, ObjectNode> t = tables.get(cls);
        return t != null && t.containsKey(ref);
    }

    /** The live row, or HANDLE_INVALID [class; ref] as XAPI answers. */
    synchronized ObjectNode row(String cls, String ref) {
        Map<String, ObjectNode> t = tables.get(cls);
        ObjectNode r = t == null ? null : t.get(ref);
        if (r == null) {
            throw new XapiFailure("HANDLE_INVALID", cls, ref);
        }
        return r;
    }

    /** A copy of a row. */
    public synchronized ObjectNode get(String cls, String ref) {
        return row(cls, ref).deepCopy();
    }

    public synchronized Map<String, ObjectNode> all(String cls) {
        Map<String, ObjectNode> copy = new LinkedHashMap<>();
        tables.getOrDefault(cls, Map.of()).forEach((k, v) -> copy.put(k, v.deepCopy()));
        return copy;
    }

    public synchronized Optional<String> refOfUuid(String cls, String uuid) {
        return tables.getOrDefault(cls, Map.of()).entrySet().stream()
                .filter(e -> e.getValue().path("uuid").asText().equals(uuid)).map(Map.Entry::getKey).findFirst();
    }

    /** Sets one field, keeping relations in step. */
    public synchronized void set(String cls, String ref, String field, Object value) {
        ObjectNode row = row(cls, ref);
        Datamodel.Field f = model.require(cls).fields().get(field);
        if (f == null) {
            throw new IllegalArgumentException(cls + " has no field " + field);
        }
        JsonNode v = coerce(cls, f, JSON.valueToTree(value));
        for (String[] rel : RELATIONS) {
            if (rel[0].equals(cls) && rel[1].equals(field)) {
                link(rel, row.path(field).asText(NULL_REF), ref, false);
                link(rel, v.asText(NULL_REF), ref, true);
            }
        }
        row.set(field, v);
    }

    private void link(String[] rel, String parent, String child, boolean add) {
        if (parent == null || NULL_REF.equals(parent) || !exists(rel[2], parent)) {
            return;
        }
        ArrayNode set = (ArrayNode) tables.get(rel[2]).get(parent).get(rel[3]);
        for (int i = set.size() - 1; i >= 0; i--) {
            if (set.get(i).asText().equals(child)) {
                set.remove(i);
            }
        }
        if (add) {
            set.add(child);
        }
    }

    /**
     * The whole database as JSON: {class: {ref: record}}, keys sorted, for before/after diffs.
     * Sessions and tasks come and go with every client; leave them out unless asked.
     */
    public synchronized ObjectNode dump(boolean withSessionsAndTasks) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, Map<String, ObjectNode>> t : tables.entrySet()) {
            if (!withSessionsAndTasks && (t.getKey().equals("session") || t.getKey().equals("task"))) {
                continue;
            }
            ObjectNode table = out.putObject(t.getKey());
            t.getValue().forEach((ref, row) -> table.set(ref, sorted(row)));
        }
        return out;
    }

    private static JsonNode sorted(ObjectNode row) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        new TreeMap<>(JSON.convertValue(row, Map.class)).forEach((k, v) -> s.set((String) k, row.get((String) k).deepCopy()));
        return s;
    }

    JsonNode defaultOf(Datamodel.Field f) {
        JsonNode d = f.defaultValue();
        if (d != null && !d.isNull()) {
            return d.deepCopy();
        }
        String t = f.type();
        if (t.endsWith(" set")) {
            return JsonNodeFactory.instance.arrayNode();
        }
        if (t.endsWith(" map")) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (t.endsWith(" ref")) {
            return JsonNodeFactory.instance.textNode(NULL_REF);
        }
        switch (t) {
            case "int":
                return JsonNodeFactory.instance.numberNode(0L);
            case "float":
                return JsonNodeFactory.instance.numberNode(0.0);
            case "bool":
                return JsonNodeFactory.instance.booleanNode(false);
            case "datetime":
                return JsonNodeFactory.instance.textNode("19700101T00:00:00Z");
            default:
                if (t.startsWith("enum ")) {
                    List<String> values = model.enumValues(t.substring(5));
                    return JsonNodeFactory.instance.textNode(values.isEmpty() ? "" : values.get(0));
                }
                return JsonNodeFactory.instance.textNode("");
        }
    }

    /** A value checked against the field's type, as XAPI's unmarshalling would; FIELD_TYPE_ERROR otherwise. */
    JsonNode coerce(String cls, Datamodel.Field f, JsonNode v) {
        String t = f.type();
        JsonNodeFactory n = JsonNodeFactory.instance;
        if (t.endsWith(" set")) {
            if (!v.isArray()) {
                throw typeError(f);
            }
            return v;
        }
        if (t.endsWith(" map")) {
            if (!v.isObject()) {
                throw typeError(f);
            }
            return v;
        }
        if (t.endsWith(" ref")) {
            if (!v.isTextual() || !v.asText().startsWith("OpaqueRef:")) {
                throw typeError(f);
            }
            return v;
        }
        switch (t) {
            case "int":
                if (v.isIntegralNumber()) {
                    return n.numberNode(v.asLong());
                }
                if (v.isTextual() && v.asText().matches("-?\\d{1,19}")) {
                    return n.numberNode(Long.parseLong(v.asText()));
                }
                throw typeError(f);
            case "float":
                if (!v.isNumber()) {
                    throw typeError(f);
                }
                return n.numberNode(v.asDouble());
            case "bool":
                if (!v.isBoolean()) {
                    throw typeError(f);
                }
                return v;
            default:
                if (!v.isTextual()) {
                    throw typeError(f);
                }
                if (t.startsWith("enum ")) {
                    for (String e : model.enumValues(t.substring(5))) {
                        if (e.toLowerCase(Locale.ROOT).equals(v.asText().toLowerCase(Locale.ROOT))) {
                            return n.textNode(e);
                        }
                    }
                    throw new XapiFailure("ENUM_INVALID_VALUE"  , t.substring(5), v.asText());
                }
                return v;
        }
    }

    private static XapiFailure typeError(Datamodel.Field f) {
        return new XapiFailure("FIELD_TYPE_ERROR", f.name());
    }
}
