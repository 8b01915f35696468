package org.smapimigrate.plugin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.Map;

/**
 * One way to reach an attached volume (data.ml {@code implementation}), a variant encoded as
 * {@code ["Tag", payload]} (ocaml-rpc). Tags this client does not know are kept as {@link Other}.
 */
@JsonDeserialize(using = Implementation.Reader.class)
@JsonSerialize(using = Implementation.Writer.class)
public sealed interface Implementation {

    /** The variant's tag. */
    String tag();

    /** A Xen block backend: blkback ({@code vbd}), tapdisk ({@code vbd3}) or qdisk. Needs Xen. */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record XenDisk(String params, Map<String, String> extra, String backendType) implements Implementation {
        public String tag() {
            return "XenDisk";
        }
    }

    /** A block device in dom0, e.g. {@code /dev/xen/blktap-2/tapdev3} or {@code /dev/loop0}. */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record BlockDevice(String path) implements Implementation {
        public String tag() {
            return "BlockDevice";
        }
    }

    /** A regular file holding the raw volume. */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record File(String path) implements Implementation {
        public String tag() {
            return "File";
        }
    }

    /** An NBD export, {@code nbd:unix:<socket>:exportname=<name>}. */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record Nbd(String uri) implements Implementation {
        public String tag() {
            return "Nbd";
        }
    }

    /** A tag this client does not know; kept so that error messages can name it. */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record Other(String tag, JsonNode payload) implements Implementation {
    }

    final class Reader extends StdDeserializer<Implementation> {
        Reader() {
            super(Implementation.class);
        }

        @Override
        public Implementation deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            JsonNode node = p.readValueAsTree();
            if (node == null || !node.isArray() || node.size() != 2 || !node.get(0).isTextual()) {
                return ctx.reportInputMismatch(Implementation.class,
                        "implementation must be [\"Tag\", payload], got %s", node);
            }
            String tag = node.get(0).asText();
            JsonNode payload = node.get(1);
            ObjectMapper m = PluginJson.mapper();
            Class<? extends Implementation> type = switch (tag) {
                case "XenDisk" -> XenDisk.class;
                case "BlockDevice" -> BlockDevice.class;
                case "File" -> File.class;
                case "Nbd" -> Nbd.class;
                default -> null;
            };
            if (type == null) {
                return new Other(tag, payload);
            }
            if (!payload.isObject()) {
                return ctx.reportInputMismatch(Implementation.class, "%s payload must be an object: %s", tag, node);
            }
            String required = type == Nbd.class ? "uri" : type == XenDisk.class ? "params" : "path";
            if (!payload.path(required).isTextual()) {
                return ctx.reportInputMismatch(Implementation.class, "%s without a string \"%s\": %s",
                        tag, required, node);
            }
            if ((type == File.class || type == BlockDevice.class) && !usablePath(payload.get("path").asText())) {
                // The path is opened for writing: a relative one would land in our working
                // directory, and NUL or control bytes are no path at all.
                return ctx.reportInputMismatch(Implementation.class, "%s path must be absolute, without NUL or"
                        + " control characters: %s", tag, node);
            }
            return m.treeToValue(payload, type);
        }

        private static boolean usablePath(String path) {
            if (!path.startsWith("/")) {
                return false;
            }
            for (int i = 0; i < path.length(); i++) {
                char c = path.charAt(i);
                if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                    return false;
                }
            }
            return true;
        }
    }

    final class Writer extends StdSerializer<Implementation> {
        Writer() {
            super(Implementation.class);
        }

        @Override
        public void serialize(Implementation value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartArray();
            gen.writeString(value.tag());
            ObjectNode payload = PluginJson.mapper().createObjectNode();
            if (value instanceof XenDisk x) {
                payload.put("params", x.params());
                payload.set("extra", PluginJson.mapper().valueToTree(x.extra() == null ? Map.of() : x.extra()));
                payload.put("backend_type", x.backendType());
            } else if (value instanceof BlockDevice b) {
                payload.put("path", b.path());
            } else if (value instanceof File f) {
                payload.put("path", f.path());
            } else if (value instanceof Nbd n) {
                payload.put("uri", n.uri());
            }
            gen.writeTree(value instanceof Other o ? o.payload() : payload);
            gen.writeEndArray();
        }
    }
}
