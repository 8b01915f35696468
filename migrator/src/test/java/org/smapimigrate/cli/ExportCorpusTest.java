package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.testing.Corpus;

/**
 * {@code smapi-migrate export} on every image of the corpus manifest, through the command line:
 * readable images give the manifest's SHA-256, broken ones exit 1 with one error line naming the
 * file and the defect, readable-with-warning ones give the bytes and print the warning.
 */
class ExportCorpusTest {
    private static final String[] TREES = {"file-sr", "broken", "dialects"};
    private static Map<String, String> before;

    @TempDir
    static Path out;

    @BeforeAll
    static void fingerprint() throws Exception {
        before = Corpus.fingerprint(TREES);
    }

    @AfterAll
    static void corpusUnchanged() throws Exception {
        assertEquals(before, Corpus.fingerprint(TREES), "export modified the corpus");
    }

    @TestFactory
    List<DynamicTest> exportEveryManifestEntry() {
        List<DynamicTest> tests = new ArrayList<>();
        int n = 0;
        for (JsonNode e : Corpus.manifest().get("entries")) {
            String id = e.get("id").asText();
            Path file = Corpus.path(e.has("file") ? e.get("file").asText() : e.get("path").asText());
            String outcome = e.path("expected_outcome").asText("");
            Path target = out.resolve("out-" + (n++) + ".raw");
            boolean isRaw = file.toString().endsWith(".raw");
            // A raw VDI has no VHD to name: export it by SR and uuid; every VHD as a file.
            String[] args = isRaw
                    ? new String[] {"export", "-q", "--sr", file.getParent().toString(), "--vdi",
                        file.getFileName().toString().replace(".raw", ""), "-o", target.toString()}
                    : new String[] {"export", "-q", file.toString(), "-o", target.toString()};
            if (outcome.startsWith("error: ")) {
                String code = outcome.substring("error: ".length());
                tests.add(dynamicTest(id + " -> exit 1 [" + code + "]", () -> {
                    CliRun r = CliRun.of(args);
                    assertEquals(1, r.exitCode(), r.err());
                    String[] lines = r.err().strip().split("\n");
                    assertEquals(1, lines.length, "one error line, no stack trace:\n" + r.err());
                    assertTrue(lines[0].startsWith("smapi-migrate: error: "), lines[0]);
                    assertTrue(lines[0].contains("[" + code + "]"), lines[0]);
                    assertTrue(lines[0].contains(".vhd"), "the error names the file: " + lines[0]);
                    assertFalse(Files.exists(target), "a failed export left " + target);
                }));
            } else {
                String sha = e.get("expected_sha256").asText();
                String warning = outcome.startsWith("readable-with-warning: ")
                        ? outcome.substring("readable-with-warning: ".length()) : null;
                tests.add(dynamicTest(id + " -> " + sha.substring(0, 12), () -> {
                    CliRun r = CliRun.of(args);
                    assertEquals(0, r.exitCode(), r.err());
                    assertEquals(sha, Corpus.sha256(target));
                    assertEquals(e.get("virtual_size").asLong(), Files.size(target));
                    if (warning != null) {
                        assertTrue(r.err().contains("smapi-migrate: warning: ")
                                && r.err().contains(warning), "warning " + warning + " not printed:\n" + r.err());
                    }
                    Files.delete(target);
                }));
            }
        }
        return tests;
    }
}
