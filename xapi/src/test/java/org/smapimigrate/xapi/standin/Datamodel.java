package org.smapimigrate.xapi.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * XAPI's published API as data (shared/data/xapi-datamodel.json, extracted from xen-api's
 * doc/data/xenapi.json; copied to this module's test resources): per class its fields (name,
 * type, qualifier, default) and messages (params, defaults, result), and the enums. The stand-in
 * takes field lists, defaults, setters, parameter counts and enum spellings from here.
 */
final class Datamodel {
    record Field(String name, String type, String qualifier, JsonNode defaultValue) {
        boolean isRef() {
            return type.endsWith(" ref");
        }

        String refClass() {
            return type.substring(0, type.length() - " ref".length());
        }

        boolean isRefSet() {
            return type.endsWith(" ref set");
        }

        String refSetClass() {
            return type.substring(0, type.length() - " ref set".length());
        }
    }

    record Message(String name, List<String> paramTypes, List<String> paramNames, int defaults, String result) {
        int required() {
            return paramNames.size() - defaults;
        }
    }

    record ClassModel(String name, Map<String, Field> fields, Map<String, Message> messages) {
    }

    private static final Datamodel INSTANCE = load();

    private final Map<String, ClassModel> classes;
    private final Map<String, List<String>> enums;

    private Datamodel(Map<String, ClassModel> classes, Map<String, List<String>> enums) {
        this.classes = classes;
        this.enums = enums;
    }

    static Datamodel get() {
        return INSTANCE;
    }

    private static Datamodel load() {
        try (InputStream in = Datamodel.class.getResourceAsStream("/xapi-datamodel.json")) {
            if (in == null) {
                throw new IllegalStateException("xapi-datamodel.json missing from the test resources");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            Map<String, ClassModel> classes = new LinkedHashMap<>();
            root.get("classes").fields().forEachRemaining(c -> {
                Map<String, Field> fields = new LinkedHashMap<>();
                for (JsonNode f : c.getValue().get("fields")) {
                    fields.put(f.get(0).asText(), new Field(f.get(0).asText(), f.get(1).asText(), f.get(2).asText(),
                            f.get(3)));
                }
                Map<String, Message> messages = new LinkedHashMap<>();
                c.getValue().get("messages").fields().forEachRemaining(m -> {
                    List<String> types = new ArrayList<>();
                    List<String> names = new ArrayList<>();
                    for (JsonNode p : m.getValue().get("params")) {
                        types.add(p.get(0).asText());
                        names.add(p.get(1).asText());
                    }
                    JsonNode d = m.getValue().get("defaults");
                    messages.put(m.getKey(), new Message(m.getKey(), types, names, d == null ? 0 : d.size(),
                            m.getValue().path("result").asText()));
                });
                classes.put(c.getKey(), new ClassModel(c.getKey(), fields, messages));
            });
            Map<String, List<String>> enums = new LinkedHashMap<>();
            root.get("enums").fields().forEachRemaining(e -> {
                List<String> values = new ArrayList<>();
                e.getValue().forEach(v -> values.add(v.asText()));
                enums.put(e.getKey(), values);
            });
            return new Datamodel(classes, enums);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Optional<ClassModel> cls(String name) {
        return Optional.ofNullable(classes.get(name));
    }

    ClassModel require(String name) {
        return cls(name).orElseThrow(() -> new IllegalArgumentException("no class " + name + " in the datamodel"));
    }

    /** The class whose wire name matches case-insensitively (event.from lowercases; VM vs vm). */
    Optional<ClassModel> clsIgnoringCase(String name) {
        return classes.values().stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
    }

    List<String> enumValues(String enumName) {
        return enums.getOrDefault(enumName, List.of());
    }
}
