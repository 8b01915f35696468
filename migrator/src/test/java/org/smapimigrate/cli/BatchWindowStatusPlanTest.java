package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.batch.Host;
import org.smapimigrate.batch.JobStates;
import org.smapimigrate.batch.RunLock;
import org.smapimigrate.batch.VolumeState;
import org.smapimigrate.testing.Corpus;

/**
 * 'batch run' in a window that closes mid-run (the hidden --test-times clock: one local time per
 * reading, and the run reads it once before each volume it may start), then 'batch status' and
 * 'batch plan' on that partly done state, text and JSON, with a job that failed beside it; then
 * the next run inside the window finishes the rest. All in this JVM, against the corpus file SR
 * and the bundled SMAPIv3 SR.
 */
class BatchWindowStatusPlanTest {
    static final String DEEP = "08b6dcc8-7e65-4fbf-b7e6-d95ae7e1b529";
    static final String ORIGINAL = "93c35dd3-c4f5-4f8e-a524-d154524687ae";
    static final String RAW = "db391a5a-ed94-4fd3-b178-6fe9c35fb3a6";
    static final String CLONE = "e497b363-d12e-4e43-8b86-6401cba52d0f";

    @TempDir
    Path dir;

    private Path jobs(String name, boolean withFailing) throws Exception {
        String text = "jobs:\n"
                + "  - name: trees\n"
                + "    source: { sr: " + PlanRuns.fileSr() + " }\n"
                + "    selection: { vdis: [" + DEEP + ", " + ORIGINAL + ", " + RAW + ", " + CLONE + "] }\n"
                + "    target: { target-sr: v3 }\n"
                + "    options: { window: \"22:00-06:00\", retries: 0 }\n";
        if (withFailing) {
            Files.createDirectories(dir.resolve("no-plugins/volume"));
            text += "  - name: nowhere\n"
                    + "    source: { sr: " + PlanRuns.fileSr() + " }\n"
                    + "    selection: { vdis: [" + RAW + "] }\n"
                    + "    target: { volume-plugin: org.example.missing, sr-config: { path: /nonexistent },"
                    + " plugins: no-plugins }\n"
                    + "    options: { retries: 0 }\n";
        }
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aClosingWindowLeavesWorkThatStatusPlanAndTheNextRunSee() throws Exception {
        Map<String, String> before = Corpus.fingerprint("file-sr");
        Path window = jobs("window.yaml", false);
        Path all = jobs("all.yaml", true);
        String state = dir.resolve("state").toString();

        // 23:00: the first volume starts; 06:30: the window is closed before the second.
        CliRun first = CliRun.of("batch", "run", window.toString(), "--state", state, "--test-times", "23:00,06:30");
        assertEquals(3, first.exitCode(), first.out() + first.err());
        assertTrue(first.err().contains("trees: outside its window 22:00-06:00"), first.err());
        assertTrue(first.out().contains("trees  " + DEEP + "  done, "), first.out());
        assertTrue(first.out().contains("1 done by this run") && first.out().contains("3 left"), first.out());
        // The summary, in this host's directory of the state, named on the last line.
        Path hostDir = RunLock.hostDir(Path.of(state), Host.local());
        assertTrue(first.out().strip().endsWith("summary: " + hostDir.resolve("summary.html")
                + " (also summary.md, summary.json)"), first.out());
        JsonNode firstSummary = new ObjectMapper().readTree(hostDir.resolve("summary.json").toFile());
        assertEquals("paused", firstSummary.get("status").asText(), firstSummary.toString());
        assertEquals(1, firstSummary.at("/total/done").asInt());
        assertEquals(3, firstSummary.at("/total/left").asInt());
        assertTrue(Files.readString(hostDir.resolve("summary.md")).contains("trees"));
        assertTrue(Files.readString(hostDir.resolve("summary.html")).contains("trees"));
        Map<String, VolumeState> recorded = states(state, "trees");
        assertEquals(VolumeState.Status.DONE, recorded.get(DEEP).status());
        assertEquals(1, recorded.size(), "volumes the window left are not recorded: " + recorded);

        // Outside the window again: 'trees' starts nothing; 'nowhere' (no window) fails on its target.
        CliRun second = CliRun.of("batch", "run", all.toString(), "--state", state, "--test-times", "06:30");
        assertEquals(1, second.exitCode(), "a failure outweighs work left: " + second.out() + second.err());
        assertTrue(second.out().contains("nowhere  " + RAW + "  FAILED after 1 attempt: "), second.out());
        // The same with --json: the closing document names the summary, which names the failure.
        CliRun secondJson = CliRun.of("batch", "run", all.toString(), "--state", state, "--test-times", "06:30",
                "--json");
        assertEquals(1, secondJson.exitCode(), secondJson.out() + secondJson.err());
        List<String> lines = secondJson.out().lines().toList();
        JsonNode done = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertEquals("done", done.get("event").asText(), done.toString());
        assertEquals(1, done.get("exit_code").asInt());
        assertEquals(hostDir.resolve("summary.json").toString(), done.get("summary").asText());
        JsonNode failedSummary = new ObjectMapper().readTree(Path.of(done.get("summary").asText()).toFile());
        assertEquals("failed", failedSummary.get("status").asText(), failedSummary.toString());
        assertEquals("nowhere", failedSummary.at("/failed/0/job").asText());
        assertEquals(RAW, failedSummary.at("/failed/0/vdi").asText());
        assertEquals(2, failedSummary.at("/failed/0/attempts").asInt(), "both runs' attempts");
        assertEquals("failed", failedSummary.at("/jobs/1/status").asText());
        assertEquals("paused", failedSummary.at("/jobs/0/status").asText());

        CliRun status = CliRun.of("batch", "status", all.toString(), "--state", state);
        assertEquals(0, status.exitCode(), status.err());
        assertTrue(status.out().contains("trees: 4 volumes, 3 pending, 0 running, 1 done, 0 failed, 0 skipped"),
                status.out());
        assertTrue(status.out().contains("nowhere: 1 volume, 0 pending, 0 running, 0 done, 1 failed, 0 skipped"),
                status.out());
        assertTrue(status.out().contains("overall: 5 volumes, 3 pending, 0 running, 1 done, 1 failed, 0 skipped"),
                status.out());
        assertTrue(status.out().contains("failed  nowhere  " + RAW) && status.out().contains("attempts 2: "),
                status.out());
        JsonNode sj = json(CliRun.of("batch", "status", all.toString(), "--state", state, "--json"));
        assertEquals(3, sj.at("/jobs/trees/counts/pending").asInt());
        assertEquals(1, sj.at("/jobs/trees/counts/done").asInt());
        assertEquals(1, sj.at("/overall/counts/failed").asInt());
        assertEquals(5, sj.at("/overall/volumes").asInt());
        assertEquals(RAW, sj.at("/failures/0/vdi").asText());
        assertEquals(2, sj.at("/failures/0/attempts").asInt());
        assertTrue(sj.at("/failures/0/reason").asText().length() > 0);
        // The corpus manifest's allocation of the deep chain's five images: what is done.
        assertEquals(allocated(DEEP), sj.at("/jobs/trees/bytes_done").asLong());

        CliRun plan = CliRun.of("batch", "plan", all.toString(), "--state", state);
        assertEquals(0, plan.exitCode(), plan.err());
        assertTrue(plan.out().contains("job trees: 3 volumes to move (1 done), 2 plans"), plan.out());
        assertTrue(!plan.out().contains("   " + DEEP), "a done volume is not planned again: " + plan.out());
        assertTrue(plan.out().contains("needs 1 window of 8 h (22:00-06:00)"), plan.out());
        JsonNode pj = json(CliRun.of("batch", "plan", all.toString(), "--state", state, "--json"));
        JsonNode trees = pj.at("/jobs/0");
        assertEquals("trees", trees.get("job").asText());
        assertEquals(3, trees.get("pending").size());
        assertEquals(1, trees.get("already_done").asInt());
        assertEquals(8 * 3600, trees.get("window_seconds").asLong());
        assertEquals(1, trees.get("windows").asLong());
        assertTrue(trees.get("copy_bytes").asLong() > 0 && trees.get("seconds").asLong() > 0, trees.toString());
        assertEquals(List.of(ORIGINAL, RAW, CLONE), trees.get("pending").findValuesAsText("vdi"));

        // Inside the window: the rest is done, the done one only rechecked.
        CliRun last = CliRun.of("batch", "run", window.toString(), "--state", state, "--test-times", "23:30");
        assertEquals(0, last.exitCode(), last.out() + last.err());
        assertTrue(last.out().contains("trees  " + DEEP + "  done before, still matches"), last.out());
        assertTrue(last.out().contains("3 done by this run, 1 done before"), last.out());
        for (VolumeState s : states(state, "trees").values()) {
            assertEquals(VolumeState.Status.DONE, s.status(), s.toString());
        }
        assertEquals(4, PlanRuns.volumesHoldTheExpectedDisks(dir.resolve("v3"), sizes()));
        assertEquals(before, Corpus.fingerprint("file-sr"), "a run wrote to the source");
    }

    @Test
    void aBadJobFileIsOneLineNamingFileLineAndKeyAndExitsTwo() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "jobs:\n  - name: j\n    source: { sr: /srv/a }\n    selection: all\n"
                + "    target: { target-sr: /srv/b }\n    options:\n      windw: \"22:00-06:00\"\n");
        for (String cmd : List.of("run", "status", "plan")) {
            CliRun r = CliRun.of("batch", cmd, bad.toString());
            assertEquals(2, r.exitCode(), cmd + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("smapi-migrate: error: " + bad + ":7: jobs[0].options.windw: unknown key"),
                    r.err());
            assertEquals("", r.out());
        }
        CliRun j = CliRun.of("batch", "run", bad.toString(), "--json");
        assertEquals(2, j.exitCode());
        JsonNode doc = new ObjectMapper().readTree(j.out());
        assertEquals("failed", doc.get("event").asText());
        assertEquals(7, doc.get("line").asInt());
        assertEquals("jobs[0].options.windw", doc.get("key").asText());
        assertTrue(!Files.exists(dir.resolve("bad.state")), "nothing was written for a bad job file");
    }

    private static JsonNode json(CliRun r) throws Exception {
        assertEquals(0, r.exitCode(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    private static Map<String, VolumeState> states(String state, String job) throws Exception {
        Map<String, VolumeState> m = new java.util.HashMap<>();
        for (VolumeState s : JobStates.load(Path.of(state), job).all()) {
            m.put(s.vdi(), s);
        }
        return m;
    }

    /** Sum of expected_allocated_bytes over the VDI's chain, from the corpus manifest. */
    private static long allocated(String leaf) {
        long sum = 0;
        for (JsonNode e : Corpus.manifest().get("entries")) {
            String path = e.path("path").asText();
            for (JsonNode c : chain(leaf)) {
                if (path.equals(PlanRuns.FILE_SR + "/" + c.asText())) {
                    sum += e.get("expected_allocated_bytes").asLong();
                }
            }
        }
        return sum;
    }

    private static JsonNode chain(String leaf) {
        for (JsonNode e : Corpus.manifest().get("entries")) {
            if (e.path("path").asText().equals(PlanRuns.FILE_SR + "/" + leaf + ".vhd")) {
                return e.get("chain");
            }
        }
        throw new AssertionError("no corpus entry for " + leaf);
    }

    /** Virtual sizes of the file SR's VDIs, from the corpus manifest. */
    static Map<String, Long> sizes() {
        Map<String, Long> m = new java.util.HashMap<>();
        for (JsonNode e : Corpus.manifest().get("entries")) {
            if (e.has("vdi_uuid") && e.has("virtual_size")) {
                m.putIfAbsent(e.get("vdi_uuid").asText(), e.get("virtual_size").asLong());
            }
        }
        return m;
    }
}
