package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.report.MarkdownText;
import org.smapimigrate.testing.Corpus;

/**
 * The corpus SR's interrupted leaf-coalesce (journal, OLD_ image, un-hidden parent, a VDI missing
 * from the list) and interrupted coalesce are each one finding with one piece of advice, worded
 * the same in {@code scan}, {@code scan --json}, {@code plan --json} and both reports.
 */
class OneFindingPerCauseTest {
    private static final String SR = "file-sr/b0fca227-5603-4f8a-b1be-036360633f13";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void scanPlanAndReportsAgree() throws Exception {
        Path sr = Corpus.path(SR);
        CliRun scan = CliRun.of("scan", "--json", sr.toString());
        assertEquals(0, scan.exitCode(), scan.err());
        JsonNode problems = JSON.readTree(scan.out()).get("problems");
        String text = CliRun.of("scan", sr.toString()).out();
        CliRun plan = CliRun.of("plan", "--sr", sr.toString(), "--target-sr", tmp.resolve("v3").toString(), "--json",
                "--report", tmp.resolve("r.md").toString());
        PlanRuns.exitsForItsRisks(plan, PlanRuns.FILE_SR_ERRORS);
        JsonNode risks = JSON.readTree(plan.out()).get("risks");
        CliRun.of("plan", "--sr", sr.toString(), "--target-sr", tmp.resolve("v3").toString(),
                "--report", tmp.resolve("r.html").toString());
        String md = Files.readString(tmp.resolve("r.md"));
        String html = Files.readString(tmp.resolve("r.html"));

        for (String[] cause : new String[][] {
            {"interrupted-leaf-coalesce", "leaf_23ce6fea-eb47-412b-87b4-f54c2ce15a94",
                "OLD_23ce6fea-eb47-412b-87b4-f54c2ce15a94.vhd", "ba3a5130-5573-4bb4-ba23-dbcb64710684.vhd"},
            {"interrupted-coalesce", "coalesce_8b6358ce-ae33-4a6e-be18-80954e89fe5d"}}) {
            // scan --json: one problem covers every file of the cause.
            List<JsonNode> found = new ArrayList<>();
            for (JsonNode p : problems) {
                List<String> files = new ArrayList<>();
                files.add(name(p.get("path").asText()));
                p.get("related").forEach(r -> files.add(name(r.asText())));
                for (int i = 1; i < cause.length; i++) {
                    if (files.contains(cause[i]) && !p.get("severity").asText().equals("info")) {
                        found.add(p);
                        break;
                    }
                }
            }
            assertEquals(1, found.size(), cause[0] + ": " + found);
            JsonNode p = found.get(0);
            assertEquals(cause[0], p.get("code").asText());
            for (int i = 2; i < cause.length; i++) {
                String file = cause[i];
                assertTrue(p.get("related").toString().contains(file), file + " not related in " + p);
            }
            String message = p.get("message").asText();
            String action = p.get("action").asText();

            // plan --json: one risk names the cause's files, with the same words.
            List<JsonNode> about = new ArrayList<>();
            for (JsonNode r : risks) {
                String all = r.get("message").asText() + " " + r.path("subject").asText();
                for (int i = 1; i < cause.length; i++) {
                    if (all.contains(cause[i].replace(".vhd", ""))) {
                        about.add(r);
                        break;
                    }
                }
            }
            assertEquals(1, about.size(), cause[0] + " risks: " + about);
            assertEquals(message, about.get(0).get("message").asText());
            assertEquals(action, about.get(0).get("action").asText());

            // scan's text, the Markdown and the HTML say it in the same words.
            assertTrue(text.contains(message) && text.contains("what to do: " + action), text);
            assertTrue(md.contains(MarkdownText.text(message)) && md.contains(MarkdownText.text(action)), md);
            assertTrue(html.contains(message.replace("'", "&#39;")) && html.contains(action.replace("'", "&#39;")),
                    cause[0] + " not in the HTML report");
        }
    }

    private static String name(String path) {
        return Path.of(path).getFileName().toString();
    }
}
