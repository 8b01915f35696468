package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.execute.Journal;
import org.smapimigrate.execute.JournalEntry;
import org.smapimigrate.lvm.LvmCorpus;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.SetMetadata;
import org.smapimigrate.plan.Step;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.testing.Corpus;

/**
 * {@code migrate --plan} killed with SIGKILL at chosen points (the child JVM pauses there and
 * says so, then the test kills it), then run again: the runs after each kill find the leftovers
 * and finish with the expected disks, exactly the planned volumes and nothing incomplete; the
 * journal stays parseable throughout; nothing looks complete before its time; the source is
 * untouched.
 */
class MigratePlanKillTest {
    static final String ORIGINAL = "93c35dd3-c4f5-4f8e-a524-d154524687ae";
    static final String CLONE = "e497b363-d12e-4e43-8b86-6401cba52d0f";
    static final String CLONE_BASE = "a328e562-97ba-4dac-a393-a48e65cbb69c";
    static final String LVM_LEAF = "ca470caf-5828-44dd-8a1a-eb097a998ecc";
    static final String LVM_SNAPSHOT = "95e00d28-d8b1-41e0-b1b2-8f9265b160c4";

    @Test
    void cloneBranchKilledSixTimesFinishesExactly(@TempDir Path dir) throws Exception {
        Map<String, String> before = Corpus.fingerprint("file-sr");
        Path planFile = dir.resolve("plan.json");
        Path target = dir.resolve("sr");
        Plan plan = PlanRuns.plan(planFile, target, List.of(PlanRuns.fileSr().toString()), "--vdi", ORIGINAL, CLONE);

        // Right after Volume.create: the volume has no keys yet, only the plan's mark in its description.
        kill(plan, planFile, target, dir, "created:create:" + ORIGINAL);
        List<Volume> left = PlanRuns.volumes(target);
        assertEquals(1, left.size());
        assertNull(VolumeKeys.ours(left.get(0).keys()).get(VolumeKeys.PLAN), "killed before any Volume.set");
        assertTrue(left.get(0).description().contains(plan.id()), left.get(0).description());

        // Mid-copy of the flattened base (the first data written), then right after Volume.clone,
        // whose new volume carries the origin's keys.
        kill(plan, planFile, target, dir, "copied:1:copy:" + CLONE_BASE + "@" + ORIGINAL);
        assertEquals(1, PlanRuns.volumes(target).size(), "the keyless leftover is gone, nothing doubled");
        kill(plan, planFile, target, dir, "created:clone:" + CLONE);
        assertEquals(2, PlanRuns.volumes(target).size());

        // Mid-overlay of the original's own sectors onto the base's content.
        kill(plan, planFile, target, dir, "copied:1:copy:" + ORIGINAL + "@" + ORIGINAL);
        assertEquals(2, PlanRuns.volumes(target).size(), "the unjournaled clone was replaced, not doubled");

        // Ctrl-C mid-overlay of the clone's own sectors: the shutdown hook releases the datapath.
        String out = PlanRuns.interruptedAt(planFile, "copied:1:copy:" + CLONE + "@" + CLONE, dir.resolve("int.log"));
        assertTrue(out.contains("interrupted during step copy:" + CLONE), out);
        try (var files = Files.list(target)) {
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".datapath")).toList(),
                    "a volume is left attached");
        }
        assertEquals(2, PlanRuns.volumes(target).size());

        // Verified but not journaled; then one volume's metadata journaled, the other's not.
        kill(plan, planFile, target, dir, "done:verify:" + CLONE);
        kill(plan, planFile, target, dir, "journaled:meta:" + ORIGINAL);

        List<JsonNode> events = PlanRuns.migrate(planFile);
        JsonNode done = PlanRuns.last(events, "done");
        assertEquals(plan.steps().size(), done.get("steps").asInt());
        PlanRuns.exactlyThePlannedVolumes(plan, target);
        assertEquals(2, PlanRuns.volumesHoldTheExpectedDisks(target, PlanRuns.sizes(plan)));
        Set<String> journaled = journaledSteps(planFile);
        assertEquals(new HashSet<>(plan.steps().stream().map(Step::id).toList()), journaled);
        assertEquals(before, Corpus.fingerprint("file-sr"), "a run wrote to the source");
    }

    @Test
    void snapshotTreeKilledAroundSnapshotAndResizeFinishesExactly(@TempDir Path dir) throws Exception {
        Path pv = LvmCorpus.image();
        String pvBefore = Corpus.sha256(pv);
        Path planFile = dir.resolve("plan.json");
        Path target = dir.resolve("sr");
        Plan plan = PlanRuns.plan(planFile, target, List.of(pv.toString()), "--vdi", LVM_LEAF, LVM_SNAPSHOT);
        String grow = "resize:" + LVM_LEAF + "@" + LVM_LEAF;
        assertNotNull(plan.step(grow), "the plan grows the leaf after the snapshot (manifest-lvm.json)");

        kill(plan, planFile, target, dir, "created:snapshot:" + LVM_SNAPSHOT);
        kill(plan, planFile, target, dir, "done:" + grow);
        kill(plan, planFile, target, dir, "copied:1:copy:" + LVM_LEAF + "@" + LVM_LEAF);

        PlanRuns.migrate(planFile);
        Map<String, Volume> volumes = PlanRuns.exactlyThePlannedVolumes(plan, target);
        assertEquals(2, PlanRuns.volumesHoldTheExpectedDisks(target, PlanRuns.sizes(plan)));
        Volume snapshot = volumes.get("snapshot:" + LVM_SNAPSHOT);
        assertEquals("true", snapshot.keys().get(VolumeKeys.IS_A_SNAPSHOT));
        assertEquals(volumes.get("create:" + LVM_LEAF).key(), snapshot.keys().get(VolumeKeys.SNAPSHOT_OF));
        assertEquals(pvBefore, Corpus.sha256(pv), "a run wrote to the PV image");
    }

    /**
     * Runs until {@code pause}, kills, and checks what a kill may leave: a parseable journal of
     * this plan's steps, and no volume marked complete unless its metadata step is journaled.
     */
    private static void kill(Plan plan, Path planFile, Path target, Path dir, String pause) throws Exception {
        Path log = dir.resolve("run-" + Math.abs(pause.hashCode()) + ".log");
        String out = PlanRuns.killedAt(planFile, pause, log);
        String pausedStep = pause.replaceFirst("^copied:\\d+:", "").replaceFirst("^[a-z]+:", "");
        assertTrue(out.contains("test pause: ") && out.contains(pausedStep), out);
        Set<String> journaled = journaledSteps(planFile);
        for (String step : journaled) {
            assertNotNull(plan.step(step), step);
        }
        for (Volume v : PlanRuns.volumes(target)) {
            if (VolumeKeys.COMPLETE.equals(VolumeKeys.stateOf(v.keys()))) {
                String made = VolumeKeys.ours(v.keys()).get(VolumeKeys.MADE_BY_STEP);
                boolean metaJournaled = plan.steps().stream().anyMatch(s -> s instanceof SetMetadata m
                        && m.volume().equals(made) && journaled.contains(m.id()));
                assertTrue(metaJournaled, "volume " + v.key() + " looks complete before its metadata step is done");
            }
        }
    }

    private static Set<String> journaledSteps(Path planFile) throws Exception {
        Set<String> out = new HashSet<>();
        assertTrue(Files.exists(Journal.beside(planFile)));
        for (JournalEntry e : Journal.read(Journal.beside(planFile))) {
            if (e.step() != null) {
                out.add(e.step());
            }
        }
        return out;
    }
}
