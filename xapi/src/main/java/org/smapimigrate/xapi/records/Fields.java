package org.smapimigrate.xapi.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.smapimigrate.xapi.wire.XapiDateTime;

/**
 * Reads record fields by their wire names (xapi-integration.md section 1, "Records" and "Value
 * encoding"), leniently where XAPI is lenient: an int may be a JSON integer or a decimal string
 * and is kept exact as a long; a missing field reads as its datamodel default (empty, false, 0,
 * {@code OpaqueRef:NULL}) so that a record from an older XAPI still parses. A field of the wrong
 * type is an {@link IllegalArgumentException} naming the class and field.
 */
final class Fields {
    static final String NULL_REF = "OpaqueRef:NULL";

    private final String cls;
    private final JsonNode r;

    Fields(String cls, JsonNode record) {
        if (record == null || !record.isObject()) {
            throw new IllegalArgumentException(cls + " record is not a JSON object");
        }
        this.cls = cls;
        this.r = record;
    }

    String str(String field) {
        JsonNode n = r.get(field);
        if (n == null || n.isNull()) {
            return "";
        }
        if (!n.isTextual()) {
            throw bad(field, "a string", n);
        }
        return n.asText();
    }

    String ref(String field) {
        String s = str(field);
        return s.isEmpty() ? NULL_REF : s;
    }

    boolean bool(String field) {
        JsonNode n = r.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw bad(field, "true or false", n);
        }
        return n.asBoolean();
    }

    long int64(String field) {
        JsonNode n = r.get(field);
        if (n == null || n.isNull()) {
            return 0;
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.asLong();
        }
        if (n.isTextual()) {
            try {
                return Long.parseLong(n.asText().strip());
            } catch (NumberFormatException e) {
                throw bad(field, "an integer", n);
            }
        }
        throw bad(field, "an integer", n);
    }

    double number(String field) {
        JsonNode n = r.get(field);
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.isNumber()) {
            throw bad(field, "a number", n);
        }
        return n.asDouble();
    }

    Instant time(String field) {
        String s = str(field);
        if (s.isEmpty()) {
            return XapiDateTime.EPOCH;
        }
        try {
            return XapiDateTime.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(cls + "." + field + ": " + e.getMessage());
        }
    }

    List<String> strings(String field) {
        JsonNode n = r.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw bad(field, "an array", n);
        }
        List<String> l = new ArrayList<>(n.size());
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw bad(field, "an array of strings", n);
            }
            l.add(e.asText());
        }
        return Collections.unmodifiableList(l);
    }

    Map<String, String> map(String field) {
        JsonNode n = r.get(field);
        if (n == null || n.isNull()) {
            return Map.of();
        }
        if (!n.isObject()) {
            throw bad(field, "an object", n);
        }
        Map<String, String> m = new TreeMap<>();
        n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText()
                : e.getValue().toString()));
        return Collections.unmodifiableMap(m);
    }

    /** Keys of a map field (current_operations: task ref to operation). */
    List<String> mapValues(String field) {
        return List.copyOf(map(field).values());
    }

    private IllegalArgumentException bad(String field, String expected, JsonNode n) {
        String shown = n.toString();
        return new IllegalArgumentException(cls + "." + field + " is not " + expected + ": "
                + org.smapimigrate.xapi.OneLine.of(shown, 80));
    }
}
