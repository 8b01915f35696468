package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.execute.Journal;
import org.smapimigrate.execute.JournalEntry;
import org.smapimigrate.plan.CopyExtents;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.PlanJson;
import org.smapimigrate.plan.SetMetadata;
import org.smapimigrate.plan.VerifyVolume;
import org.smapimigrate.plan.Step;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.testing.Corpus;

/**
 * {@code migrate --jobs 4} over independent chains of the corpus file SR, killed (SIGKILL) while
 * other jobs were busy: once with a copy held mid-write on one job while the others went on and
 * were journaled, once with the journaling thread held after a verification (so finished work of
 * the other jobs was never journaled). The resumed run, again with four jobs, ends with exactly
 * the planned volumes holding the corpus's expected disks, every step journaled exactly once,
 * nothing marked complete before its verification was journaled, the source untouched.
 */
class MigrateJobsKillTest {
    static final List<String> VDIS = List.of("93c35dd3-c4f5-4f8e-a524-d154524687ae",
            "e497b363-d12e-4e43-8b86-6401cba52d0f", "08b6dcc8-7e65-4fbf-b7e6-d95ae7e1b529",
            "db391a5a-ed94-4fd3-b178-6fe9c35fb3a6", "331a22ef-50c1-48c8-8b69-8cdde37cb59e");

    @Test
    void concurrentRunKilledTwiceResumesExactly(@TempDir Path dir) throws Exception {
        Map<String, String> before = Corpus.fingerprint("file-sr");
        Path planFile = dir.resolve("plan.json");
        Path target = dir.resolve("sr");
        List<String> extra = new ArrayList<>();
        VDIS.forEach(v -> extra.addAll(List.of("--vdi", v)));
        Plan plan = PlanRuns.plan(planFile, target, List.of(PlanRuns.fileSr().toString()), extra.toArray(String[]::new));
        String rawCopy = plan.steps().stream().filter(s -> s instanceof CopyExtents c
                && c.source().equals(VDIS.get(3))).findFirst().orElseThrow().id();

        kill(plan, planFile, target, dir, "copied:1:" + rawCopy);
        kill(plan, planFile, target, dir, "done:verify:" + VDIS.get(2));

        List<String> codes = PlanRuns.errorCodes(PlanJson.read(planFile));
        List<String> args = new ArrayList<>(List.of("migrate", "--plan", planFile.toString(), "--json", "--jobs", "4"));
        if (!codes.isEmpty()) {
            args.addAll(List.of("--force", String.join(",", codes)));
        }
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err() + r.out());
        JsonNode done = PlanRuns.last(PlanRuns.events(r.out()), "done");
        assertEquals(4, done.get("jobs").asInt());
        assertEquals(plan.steps().size(), done.get("steps").asInt());
        PlanRuns.exactlyThePlannedVolumes(plan, target);
        assertEquals(VDIS.size(), PlanRuns.volumesHoldTheExpectedDisks(target, PlanRuns.sizes(plan)));
        Map<String, Integer> lines = journalLines(planFile);
        for (Step s : plan.steps()) {
            assertEquals(1, lines.getOrDefault(s.id(), 0), "journal lines of " + s.id());
        }
        assertEquals(plan.steps().size(), lines.size());
        assertEquals(before, Corpus.fingerprint("file-sr"), "a run wrote to the source");
    }

    private static void kill(Plan plan, Path planFile, Path target, Path dir, String pause) throws Exception {
        List<String> codes = PlanRuns.errorCodes(PlanJson.read(planFile));
        String out = PlanRuns.stoppedAt(List.of("migrate", "--plan", planFile.toString(), "-q", "--jobs", "4",
                "--force", codes.isEmpty() ? "none" : String.join(",", codes)), pause,
                dir.resolve("run-" + Math.abs(pause.hashCode()) + ".log"), false);
        assertTrue(out.contains("test pause: "), out);
        Map<String, Integer> lines = journalLines(planFile);
        lines.forEach((step, n) -> assertEquals(1, n, "journaled twice: " + step));
        Set<String> journaled = new HashSet<>(lines.keySet());
        for (Volume v : PlanRuns.volumes(target)) {
            if (VolumeKeys.COMPLETE.equals(VolumeKeys.stateOf(v.keys()))) {
                // Complete only from its metadata step, which starts once every verification of the
                // volume is journaled. (Its own journal line may still be missing: while the
                // journaling thread is held, a metadata step already running finishes its plugin
                // calls before the kill lands; the resumed run redoes it, setting nothing twice.)
                String made = VolumeKeys.ours(v.keys()).get(VolumeKeys.MADE_BY_STEP);
                boolean metaOf = plan.steps().stream().anyMatch(s -> s instanceof SetMetadata m
                        && m.volume().equals(made));
                boolean verified = plan.steps().stream().filter(s -> s instanceof VerifyVolume vv
                        && vv.volume().equals(made)).allMatch(s -> journaled.contains(s.id()));
                assertTrue(metaOf && verified, "volume " + v.key() + " looks complete before it was verified");
            }
        }
    }

    private static Map<String, Integer> journalLines(Path planFile) throws Exception {
        Map<String, Integer> out = new HashMap<>();
        for (JournalEntry e : Journal.read(Journal.beside(planFile))) {
            if (JournalEntry.STEP.equals(e.record())) {
                out.merge(e.step(), 1, Integer::sum);
            }
        }
        return out;
    }
}
