package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.smapimigrate.testing.Corpus;

/** {@code scan --json} of the corpus file SR against the manifest's expected inventory. */
class ScanJsonTest {

    @Test
    void fileSrInventoryMatchesTheManifest() throws Exception {
        JsonNode expected = Corpus.manifest().get("file_sr");
        Path sr = Corpus.path(expected.get("sr").get("path").asText());
        Map<String, String> before = Corpus.fingerprint("file-sr");

        CliRun r = CliRun.of("scan", "--json", sr.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode got = new ObjectMapper().readTree(r.out());

        assertEquals("file", got.get("sr").get("type").asText());
        assertEquals(expected.get("sr").get("uuid").asText(), got.get("sr").get("uuid").asText());

        Map<String, JsonNode> vdis = new HashMap<>();
        got.get("vdis").forEach(v -> vdis.put(v.get("uuid").asText(), v));
        assertEquals(expected.get("vdis").size(), vdis.size(), "VDI count: " + vdis.keySet());
        for (JsonNode e : expected.get("vdis")) {
            String uuid = e.get("uuid").asText();
            JsonNode v = vdis.get(uuid);
            assertNotNull(v, "VDI " + uuid + " missing");
            for (String field : new String[] {"role", "hidden", "virtual_size", "allocated_bytes", "parent", "depth"}) {
                assertEquals(e.get(field), v.get(field), uuid + " " + field);
            }
            assertTrue(v.get("path").asText().endsWith(Path.of(e.get("path").asText()).getFileName().toString()),
                    uuid + " path " + v.get("path"));
        }

        Set<String> leftovers = new HashSet<>();
        got.get("leftovers").forEach(l -> leftovers.add(name(l.get("path")) + " " + l.get("kind").asText()));
        Set<String> expectedLeftovers = new HashSet<>();
        expected.get("leftovers").forEach(l -> expectedLeftovers.add(name(l.get("path")) + " " + l.get("kind").asText()));
        assertEquals(expectedLeftovers, leftovers);

        // Every listed path is reported: at its own path, or as a related file of its cause.
        Set<String> problemPaths = new HashSet<>();
        got.get("problems").forEach(p -> {
            problemPaths.add(name(p.get("path")));
            p.get("related").forEach(x -> problemPaths.add(name(x)));
        });
        for (JsonNode p : expected.get("problems")) {
            assertTrue(problemPaths.contains(name(p.get("path"))), "problem not reported for " + p);
        }
        assertEquals(before, Corpus.fingerprint("file-sr"), "scan modified the corpus");
    }

    @Test
    void humanViewDrawsTheTreesAndNamesEveryLeftover() {
        JsonNode expected = Corpus.manifest().get("file_sr");
        Path sr = Corpus.path(expected.get("sr").get("path").asText());
        CliRun r = CliRun.of("scan", sr.toString());
        assertEquals(0, r.exitCode(), r.err());
        // The VM disk's chain: base copy 1 -> base copy 2 -> the VM disk, drawn nested.
        assertTrue(r.out().contains("└─ f7e6e53a-0409-4ff6-af20-91f60230cccd"), r.out());
        assertTrue(r.out().contains("   ├─ 00052e7c-56bc-4736-a125-57ecb97d31c4"), r.out());
        for (JsonNode l : expected.get("leftovers")) {
            assertTrue(r.out().contains(name(l.get("path"))), "leftover missing: " + l);
        }
    }

    @Test
    void missingSrIsOneLineAndExitOne() {
        CliRun r = CliRun.of("scan", "/nonexistent/sr-dir");
        assertEquals(1, r.exitCode());
        assertEquals("smapi-migrate: error: /nonexistent/sr-dir: no such file or directory", r.err().strip());
    }

    private static String name(JsonNode path) {
        return Path.of(path.asText()).getFileName().toString();
    }
}
