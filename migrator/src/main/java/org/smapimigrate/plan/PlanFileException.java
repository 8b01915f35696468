package org.smapimigrate.plan;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A plan file that cannot be run as it is: hand-edited, truncated, or from another version. The
 * message is one line naming the field the way a person finds it in the file
 * ({@code steps[3].size: expected a whole number, not "abc"}), not the JSON library's classes.
 */
public final class PlanFileException extends IOException {
    private final String field;

    public PlanFileException(String field, String problem, Throwable cause) {
        super((field == null || field.isEmpty() ? "" : field + ": ") + problem, cause);
        this.field = field;
    }

    /** The field path ({@code steps[3].size}), or null when the file is not JSON at all. */
    public String field() {
        return field;
    }

    /** What Jackson found, said in terms of the plan file. */
    public static PlanFileException of(JsonProcessingException e) {
        if (e instanceof JsonMappingException m) {
            String field = path(m);
            String original = String.valueOf(m.getOriginalMessage());
            if (m.getCause() instanceof StreamReadException || original.startsWith("Unexpected end-of-input")) {
                // A syntax error met while binding: where in the text matters more than the field.
                StreamReadException r = m.getCause() instanceof StreamReadException c ? c : null;
                JsonLocation at = r != null ? r.getLocation() : m.getLocation();
                String what = original.startsWith("Unexpected end-of-input") ? "cut short: the JSON ends" + where(at)
                        : "not valid JSON" + where(at) + " (" + firstLine(original) + ")";
                return new PlanFileException(null, what + (field.isEmpty() ? "" : ", inside " + field), e);
            }
            if (m instanceof UnrecognizedPropertyException u) {
                return new PlanFileException(parentOf(field), "unknown field \"" + u.getPropertyName()
                        + "\" (a plan from another version, or a typo)", e);
            }
            if (m instanceof InvalidTypeIdException t) {
                return new PlanFileException(field, t.getTypeId() == null ? "has no \"kind\""
                        : "unknown step kind \"" + t.getTypeId() + "\"", e);
            }
            if (m instanceof InvalidFormatException f) {
                return new PlanFileException(field, "expected " + describe(f.getTargetType()) + ", not "
                        + quoted(f.getValue()), e);
            }
            if (m instanceof ValueInstantiationException v) {
                Throwable why = v.getCause() == null ? v : v.getCause();
                return new PlanFileException(field, why.getMessage() == null ? "invalid value" : why.getMessage(), e);
            }
            if (m instanceof MismatchedInputException mi) {
                String expected = String.valueOf(mi.getOriginalMessage());
                if (expected.contains("null")) {
                    return new PlanFileException(field, "expected " + describe(mi.getTargetType()) + ", not null", e);
                }
                if (expected.startsWith("Missing required") || expected.contains("missing")) {
                    return new PlanFileException(field, "missing", e);
                }
                if (expected.contains("No content") || expected.contains("end-of-input")) {
                    return new PlanFileException(null, "empty or cut short" + where(e.getLocation()), e);
                }
                return new PlanFileException(field, "expected " + describe(mi.getTargetType()), e);
            }
            return new PlanFileException(field, firstLine(m.getOriginalMessage()), e);
        }
        if (e instanceof StreamReadException r) {
            String msg = String.valueOf(r.getOriginalMessage());
            String what = msg.startsWith("Unexpected end-of-input") ? "cut short: the JSON ends" + where(r.getLocation())
                    : "not valid JSON" + where(r.getLocation()) + " (" + firstLine(msg) + ")";
            return new PlanFileException(null, what, e);
        }
        return new PlanFileException(null, firstLine(e.getOriginalMessage()), e);
    }

    /** {@code steps[3].size} from Jackson's reference chain. */
    private static String path(JsonMappingException m) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String parentOf(String field) {
        int dot = field.lastIndexOf('.');
        int bracket = field.lastIndexOf('[');
        int cut = Math.max(dot, bracket);
        return cut < 0 ? "" : field.substring(0, cut);
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "another value";
        }
        if (type == long.class || type == int.class || type == short.class || type == Long.class
                || type == Integer.class || type == Short.class) {
            return "a whole number";
        }
        if (type == double.class || type == float.class || type == Double.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object c : type.getEnumConstants()) {
                try {
                    names.add(PlanJson.mapper().writeValueAsString(c));
                } catch (JsonProcessingException x) {
                    names.add(c.toString().toLowerCase(Locale.ROOT));
                }
            }
            return "one of " + String.join(", ", names);
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord() || type.isInterface()) {
            return "an object";
        }
        return "a " + type.getSimpleName();
    }

    private static String quoted(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    private static String where(JsonLocation at) {
        return at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    private static String firstLine(String s) {
        return s == null ? "unreadable" : s.lines().findFirst().orElse(s);
    }
}
