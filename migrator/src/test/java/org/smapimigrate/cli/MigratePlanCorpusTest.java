package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.lvm.LvmCorpus;
import org.smapimigrate.plan.CopyExtents;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.SourceNode;
import org.smapimigrate.plan.Step;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.testing.Corpus;

/**
 * {@code plan} then {@code migrate --plan} into the bundled SR, for both corpus SRs and both
 * strategies, judged by the corpus manifests: every user-visible VDI and snapshot reads back
 * through its datapath with its {@code expected_sha256}; the SR holds exactly the planned
 * volumes, all complete; keeping the trees moves measurably fewer bytes than flattening, each
 * base being read once; the executed steps and bytes are the plan's.
 */
class MigratePlanCorpusTest {

    /** What one run moved, as the executor measured it. */
    record Figures(long planned, long read, long written, int maxReadsOfOneBase) {
    }

    @Test
    void fileSrBothStrategies(@TempDir Path dir) throws Exception {
        Map<String, String> before = Corpus.fingerprint("file-sr");
        List<String> sr = List.of(PlanRuns.fileSr().toString());
        Figures preserve = runAndJudge(dir.resolve("preserve"), sr, false, true);
        Figures flatten = runAndJudge(dir.resolve("flatten"), sr, true, false);
        System.out.println("file SR: preserve " + preserve + ", flatten " + flatten);
        assertTrue(preserve.written() < flatten.written(), preserve + " vs " + flatten);
        assertTrue(preserve.read() < flatten.read(), preserve + " vs " + flatten);
        assertEquals(1, preserve.maxReadsOfOneBase(), "keeping trees reads each base once");
        assertTrue(flatten.maxReadsOfOneBase() > 1, "flattening reads a shared base once per VDI");
        assertEquals(before, Corpus.fingerprint("file-sr"), "a run wrote to the source");
    }

    @Test
    void lvmSrBothStrategiesWithSnapshotsMarked(@TempDir Path dir) throws Exception {
        Path pv = LvmCorpus.image();
        String pvBefore = Corpus.sha256(pv);
        List<String> sr = List.of(pv.toString());
        Figures preserve = runAndJudge(dir.resolve("preserve"), sr, false, false);
        snapshotsAreMarkedAsTheMgtSays(dir.resolve("preserve").resolve("sr"));
        Figures flatten = runAndJudge(dir.resolve("flatten"), sr, true, false);
        snapshotsAreMarkedAsTheMgtSays(dir.resolve("flatten").resolve("sr"));
        System.out.println("LVM SR: preserve " + preserve + ", flatten " + flatten);
        assertTrue(preserve.written() < flatten.written(), preserve + " vs " + flatten);
        assertEquals(1, preserve.maxReadsOfOneBase(), "keeping trees reads each base once");
        assertEquals(pvBefore, Corpus.sha256(pv), "a run wrote to the PV image");
    }

    private Figures runAndJudge(Path dir, List<String> sr, boolean flatten, boolean rerunAndVerify)
            throws Exception {
        Path planFile = dir.resolve("plan.json");
        Path target = dir.resolve("sr");
        Plan plan = flatten ? PlanRuns.plan(planFile, target, sr, "--flatten") : PlanRuns.plan(planFile, target, sr);
        List<JsonNode> events = PlanRuns.migrate(planFile);

        // The run did the plan's steps, in the plan's order.
        List<String> executed = new ArrayList<>();
        Map<String, JsonNode> doneByStep = new HashMap<>();
        long written = 0;
        long read = 0;
        for (JsonNode e : events) {
            if (e.get("event").asText().equals("step-done")) {
                executed.add(e.get("step").asText());
                doneByStep.put(e.get("step").asText(), e);
                written += e.path("bytes_written").asLong();
                read += e.path("bytes_read").asLong();
            }
        }
        assertEquals(plan.steps().stream().map(Step::id).toList(), executed);

        // Each copy read no more than the plan's figure for it (whole 2 MiB blocks), and the
        // plan's total is the sum of its copy steps.
        long planned = 0;
        Map<String, Integer> readsOfBase = new HashMap<>();
        for (Step s : plan.steps()) {
            if (s instanceof CopyExtents c) {
                planned += c.bytes();
                long r = doneByStep.get(c.id()).get("bytes_read").asLong();
                assertTrue(r <= c.bytes(), c.id() + " read " + r + " bytes, planned " + c.bytes());
                for (String image : c.chain()) {
                    SourceNode n = plan.node(image);
                    if (n.role().equals("base-copy")) {
                        readsOfBase.merge(image, 1, Integer::sum);
                    }
                }
            }
        }
        assertEquals(plan.totals().bytesToCopy(), planned);
        JsonNode done = PlanRuns.last(events, "done");
        // Progress lines count the plan's copy and verify bytes, never backwards, never past the total.
        long total = PlanRuns.last(events, "start").get("total_bytes").asLong();
        assertEquals(plan.totals().bytesToCopy() + plan.totals().bytesToVerify(), total);
        long previous = 0;
        for (JsonNode e : events) {
            if (e.get("event").asText().equals("progress")) {
                long at = e.get("bytes_done").asLong();
                assertTrue(at >= previous && at <= total, e.toString());
                previous = at;
            }
        }
        assertEquals(written, done.get("bytes_written").asLong());
        assertEquals(read, done.get("bytes_read").asLong());

        Map<String, Volume> volumes = PlanRuns.exactlyThePlannedVolumes(plan, target);
        assertEquals(plan.totals().vdisMigrated(), PlanRuns.volumesHoldTheExpectedDisks(target, PlanRuns.sizes(plan)));
        assertEquals(plan.totals().vdisMigrated(), done.get("manifests").size());

        if (rerunAndVerify) {
            // A second run of a finished plan checks every step again and does nothing else.
            List<JsonNode> again = PlanRuns.migrate(planFile);
            assertEquals(plan.steps().size(), again.stream()
                    .filter(e -> e.get("event").asText().equals("step-rechecked")).count());
            assertEquals(0, PlanRuns.last(again, "done").get("steps_run").asInt());
            Map<String, Volume> after = PlanRuns.exactlyThePlannedVolumes(plan, target);
            volumes.forEach((step, v) -> assertEquals(v.key(), after.get(step).key(), step));
            // The manifests are the ones 'verify' takes, all after one --manifest as a shell glob gives them.
            List<String> args = new ArrayList<>(List.of("verify", "-q", "--manifest"));
            done.get("manifests").forEach(m -> args.add(m.asText()));
            CliRun v = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, v.exitCode(), v.err());
        }
        int maxReads = readsOfBase.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return new Figures(planned, read, written, maxReads);
    }

    /** manifest-lvm.json's MGT records: is_a_snapshot and snapshot_of, the latter as a target volume key. */
    private static void snapshotsAreMarkedAsTheMgtSays(Path target) throws Exception {
        Map<String, Volume> byVdi = new HashMap<>();
        for (Volume v : PlanRuns.volumes(target)) {
            byVdi.put(VolumeKeys.ours(v.keys()).get(VolumeKeys.SOURCE_VDI), v);
        }
        int snapshots = 0;
        for (JsonNode vdi : LvmCorpus.sr().get("vdis")) {
            Volume v = byVdi.get(vdi.get("uuid").asText());
            JsonNode mgt = vdi.get("mgt");
            if (v == null || mgt == null || mgt.isNull()) {
                continue;
            }
            boolean snapshot = mgt.get("is_a_snapshot").asText().equals("1");
            // XAPI reads an absent is_a_snapshot as false, and so leaves it out of VDI.create (VolumeKeys).
            assertEquals(Boolean.toString(snapshot), v.keys().getOrDefault(VolumeKeys.IS_A_SNAPSHOT, "false"),
                    vdi.get("uuid").asText());
            if (snapshot) {
                snapshots++;
                Volume of = byVdi.get(mgt.get("snapshot_of").asText());
                assertEquals(of.key(), v.keys().get(VolumeKeys.SNAPSHOT_OF), "snapshot_of of " + vdi.get("uuid"));
                assertEquals(mgt.get("snapshot_time").asText(), v.keys().get(VolumeKeys.SNAPSHOT_TIME));
            } else {
                assertEquals(null, v.keys().get(VolumeKeys.SNAPSHOT_OF), vdi.get("uuid").asText());
            }
        }
        assertTrue(snapshots > 0, "manifest-lvm.json records snapshots, so some volume was checked as one");
    }
}
