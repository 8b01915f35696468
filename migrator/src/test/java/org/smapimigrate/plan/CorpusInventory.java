package org.smapimigrate.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.smapimigrate.inventory.Leftover;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;

/**
 * The inventory a correct reader returns for the corpus file SR, built from the corpus manifest
 * ({@code file_sr}) itself, so planner tests rest on ground truth rather than on our reader.
 */
public final class CorpusInventory {
    private CorpusInventory() {
    }

    public static Path corpus() {
        String dir = System.getProperty("smapi.corpus");
        if (dir == null) {
            throw new IllegalStateException("system property smapi.corpus is not set (the root pom sets it)");
        }
        return Path.of(dir);
    }

    public static JsonNode manifest() throws IOException {
        return new ObjectMapper().readTree(Files.readString(corpus().resolve("manifest.json")));
    }

    public static SrInventory fileSr() throws IOException {
        JsonNode sr = manifest().get("file_sr");
        List<VdiEntry> vdis = new ArrayList<>();
        for (JsonNode v : sr.get("vdis")) {
            VdiRole role = switch (v.get("role").asText()) {
                case "user" -> VdiRole.USER;
                case "base-copy" -> VdiRole.BASE_COPY;
                case "raw" -> VdiRole.RAW;
                case "hidden-leaf" -> VdiRole.HIDDEN_LEAF;
                default -> throw new IllegalStateException("role " + v.get("role"));
            };
            String path = v.get("path").asText();
            vdis.add(new VdiEntry(v.get("uuid").asText(), role, v.get("hidden").asBoolean(),
                    v.get("virtual_size").asLong(), v.get("allocated_bytes").asLong(),
                    v.get("parent").isNull() ? null : v.get("parent").asText(), v.get("depth").asInt(), path, null,
                    null, null, true, path.endsWith(".raw") ? "raw" : "vhd"));
        }
        List<Leftover> leftovers = new ArrayList<>();
        for (JsonNode l : sr.get("leftovers")) {
            leftovers.add(new Leftover(l.get("path").asText(), l.get("kind").asText(), text(l, "vdi_uuid"),
                    text(l, "content"), l.has("readable") ? l.get("readable").asBoolean() : null));
        }
        List<Problem> problems = new ArrayList<>();
        for (JsonNode p : sr.get("problems")) {
            problems.add(new Problem(Severity.valueOf(p.get("severity").asText().toUpperCase(java.util.Locale.ROOT)),
                    p.get("code").asText(), p.get("path").asText(), "corpus: " + p.get("code").asText()));
        }
        JsonNode s = sr.get("sr");
        return new SrInventory(s.get("path").asText(), s.get("type").asText(), s.get("uuid").asText(), null, vdis,
                leftovers, problems);
    }

    private static String text(JsonNode n, String field) {
        return n.has(field) && !n.get(field).isNull() ? n.get(field).asText() : null;
    }
}
