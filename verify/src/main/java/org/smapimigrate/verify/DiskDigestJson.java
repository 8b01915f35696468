package org.smapimigrate.verify;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A {@link DiskDigest} in a manifest, streamed both ways so that a big disk's block list never
 * exists as millions of objects:
 * <pre>
 * {"algorithm": "sha256-of-2MiB-block-sha256s", "definition": "...", "block_size": 2097152,
 *  "size": N, "whole": "hex", "zero_block_sha256": "hex", "non_zero_blocks": K,
 *  "blocks": [[index, "hex"], ...]}
 * </pre>
 */
final class DiskDigestJson {
    private DiskDigestJson() {
    }

    static final class Writer extends StdSerializer<DiskDigest> {
        Writer() {
            super(DiskDigest.class);
        }

        @Override
        public void serialize(DiskDigest d, JsonGenerator g, SerializerProvider p) throws IOException {
            HexFormat hex = HexFormat.of();
            g.writeStartObject();
            g.writeStringField("algorithm", DiskDigest.ALGORITHM);
            g.writeStringField("definition", DiskDigest.DEFINITION);
            g.writeNumberField("block_size", DiskDigest.BLOCK_SIZE);
            g.writeNumberField("size", d.size());
            g.writeStringField("whole", d.whole());
            g.writeStringField("zero_block_sha256", hex.formatHex(ZeroDigests.fullBlock()));
            g.writeNumberField("non_zero_blocks", d.nonZeroBlocks());
            g.writeArrayFieldStart("blocks");
            for (int i = 0; i < d.nonZeroBlocks(); i++) {
                g.writeStartArray();
                g.writeNumber(d.nonZeroIndex(i));
                g.writeString(hex.formatHex(d.nonZeroDigest(i)));
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    static final class Reader extends StdDeserializer<DiskDigest> {
        Reader() {
            super(DiskDigest.class);
        }

        @Override
        public DiskDigest deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                return (DiskDigest) ctx.handleUnexpectedToken(DiskDigest.class, p);
            }
            long size = -1;
            byte[] whole = null;
            long[] indices = new long[0];
            byte[] digests = new byte[0];
            int count = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "algorithm" -> {
                        if (!DiskDigest.ALGORITHM.equals(p.getText())) {
                            return ctx.reportInputMismatch(DiskDigest.class, "unknown digest algorithm '%s' (this "
                                    + "version knows %s)", p.getText(), DiskDigest.ALGORITHM);
                        }
                    }
                    case "block_size" -> {
                        if (p.getLongValue() != DiskDigest.BLOCK_SIZE) {
                            return ctx.reportInputMismatch(DiskDigest.class, "block_size %d is not %d",
                                    p.getLongValue(), DiskDigest.BLOCK_SIZE);
                        }
                    }
                    case "size" -> size = p.getLongValue();
                    case "whole" -> whole = hex(ctx, p.getText());
                    case "blocks" -> {
                        if (t != JsonToken.START_ARRAY) {
                            return ctx.reportInputMismatch(DiskDigest.class, "blocks must be an array");
                        }
                        indices = new long[64];
                        digests = new byte[64 * 32];
                        while (p.nextToken() == JsonToken.START_ARRAY) {
                            p.nextToken();
                            long index = p.getLongValue();
                            p.nextToken();
                            byte[] d = hex(ctx, p.getText());
                            if (p.nextToken() != JsonToken.END_ARRAY) {
                                return ctx.reportInputMismatch(DiskDigest.class, "a block is [index, \"sha256\"]");
                            }
                            if (count == indices.length) {
                                indices = Arrays.copyOf(indices, count * 2);
                                digests = Arrays.copyOf(digests, count * 64);
                            }
                            indices[count] = index;
                            System.arraycopy(d, 0, digests, count * 32, 32);
                            count++;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (size < 0 || whole == null) {
                return ctx.reportInputMismatch(DiskDigest.class, "digest needs \"size\" and \"whole\"");
            }
            try {
                return new DiskDigest(size, whole, Arrays.copyOf(indices, count), Arrays.copyOf(digests, count * 32));
            } catch (IllegalArgumentException e) {
                return ctx.reportInputMismatch(DiskDigest.class, "%s", e.getMessage());
            }
        }

        private static byte[] hex(DeserializationContext ctx, String s) throws IOException {
            try {
                byte[] b = HexFormat.of().parseHex(s);
                if (b.length == 32) {
                    return b;
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            return ctx.reportInputMismatch(DiskDigest.class, "not a SHA-256 in hex: '%s'", s);
        }
    }
}
