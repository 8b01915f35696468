package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.execute.Journal;
import org.smapimigrate.plugin.Volume;

/** {@code migrate --dry-run} prints what {@code plan} prints and leaves the target SR as it was. */
class MigrateDryRunTest {
    static final String RAW_VDI = "db391a5a-ed94-4fd3-b178-6fe9c35fb3a6";

    @Test
    void dryRunPrintsThePlanAndChangesNothing(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("sr");
        String sr = PlanRuns.fileSr().toString();
        // A target SR that already holds a volume, so an unchanged SR.ls says something.
        CliRun first = CliRun.of("migrate", "--sr", sr, "--vdi", RAW_VDI, "--target-sr", target.toString(),
                "--state-dir", dir.resolve("state").toString(), "-q");
        assertEquals(0, first.exitCode(), first.err());
        Map<String, String> before = listing(target);
        assertEquals(1, before.size());

        CliRun plan = CliRun.of("plan", "--sr", sr, "--target-sr", target.toString());
        CliRun dry = CliRun.of("migrate", "--dry-run", "--sr", sr, "--target-sr", target.toString());
        // The whole file SR leaves out a VDI mid-coalesce: both say so and exit 1 alike.
        PlanRuns.exitsForItsRisks(plan, PlanRuns.FILE_SR_ERRORS);
        PlanRuns.exitsForItsRisks(dry, PlanRuns.FILE_SR_ERRORS);
        assertEquals(withoutFreeSpace(plan.out()), withoutFreeSpace(dry.out()));
        assertTrue(dry.out().contains("strategy: keep snapshot trees"), dry.out());

        CliRun flat = CliRun.of("plan", "--sr", sr, "--target-sr", target.toString(), "--flatten", "--vdi", RAW_VDI);
        CliRun dryFlat = CliRun.of("migrate", "--dry-run", "--sr", sr, "--target-sr", target.toString(), "--flatten",
                "--vdi", RAW_VDI);
        assertEquals(withoutFreeSpace(flat.out()), withoutFreeSpace(dryFlat.out()));

        Path planFile = dir.resolve("plan.json");
        CliRun written = CliRun.of("plan", "--sr", sr, "--target-sr", target.toString(), "-o", planFile.toString());
        PlanRuns.exitsForItsRisks(written, PlanRuns.FILE_SR_ERRORS);
        CliRun dryPlan = CliRun.of("migrate", "--dry-run", "--plan", planFile.toString());
        PlanRuns.exitsForItsRisks(dryPlan, PlanRuns.FILE_SR_ERRORS);
        assertEquals(withoutFreeSpace(written.out().replaceAll("(?m)^ {3}plan written to .*\\R", "")),
                withoutFreeSpace(dryPlan.out()));

        assertEquals(before, listing(target), "SR.ls changed");
        assertFalse(Files.exists(Journal.beside(planFile)), "a dry run started a journal");
        assertFalse(Files.exists(dir.resolve("plan.json.manifests")));
    }

    @Test
    void dryRunNeedsAPlanOrASource() {
        CliRun r = CliRun.of("migrate", "--dry-run");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--plan"), r.err());
    }

    @Test
    void planWithTargetOptionsOrMissingIsAClearError(@TempDir Path dir) throws Exception {
        Path planFile = dir.resolve("plan.json");
        PlanRuns.exitsForItsRisks(CliRun.of("plan", "--sr", PlanRuns.fileSr().toString(), "--target-sr",
                dir.resolve("sr").toString(), "-o", planFile.toString()), PlanRuns.FILE_SR_ERRORS);
        CliRun both = CliRun.of("migrate", "--plan", planFile.toString(), "--target-sr", dir.toString());
        assertEquals(2, both.exitCode(), both.err());
        CliRun missing = CliRun.of("migrate", "--plan", dir.resolve("nope.json").toString());
        assertEquals(1, missing.exitCode());
        assertEquals(1, missing.err().strip().split("\n").length, missing.err());
        assertTrue(missing.err().contains("nope.json"), missing.err());
    }

    /** The free space of the file system under the SR may move between two runs; the rest may not. */
    /** The summary without what is measured afresh each time: free space, and the estimate (plugin call cost). */
    private static String withoutFreeSpace(String summary) {
        return summary.replaceAll(" of [0-9.]+ [KMGTP]?i?B free", " of (free) free")
                .replaceAll("about [0-9][^,]*? at ", "about (time) at ");
    }

    /** SR.ls as key -> keys and size, to compare before and after. */
    private static Map<String, String> listing(Path target) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (Volume v : PlanRuns.volumes(target)) {
            out.put(v.key(), new TreeMap<>(v.keys()) + " " + v.virtualSize() + " " + v.name() + " " + v.description());
        }
        return out;
    }
}
