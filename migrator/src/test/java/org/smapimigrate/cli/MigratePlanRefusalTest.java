package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.execute.Journal;
import org.smapimigrate.lvm.LvmCorpus;

/**
 * What {@code migrate --plan} refuses before touching the target: another SR than the plan's, a
 * journal of another plan, a second copy of a VDI already migrated. Each is one error line, exit
 * 1, and a {@code failed} event for scripts.
 */
class MigratePlanRefusalTest {
    static final String RAW_VDI = "db391a5a-ed94-4fd3-b178-6fe9c35fb3a6";

    @Test
    void anotherSourceSrIsRefused(@TempDir Path dir) throws Exception {
        Path planFile = dir.resolve("plan.json");
        PlanRuns.plan(planFile, dir.resolve("sr"), List.of(PlanRuns.fileSr().toString()), "--vdi", RAW_VDI);
        CliRun r = CliRun.of("migrate", "--plan", planFile.toString(), "--sr", LvmCorpus.image().toString(), "--json");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("the plan was made for SR b0fca227-5603-4f8a-b1be-036360633f13"), r.err());
        JsonNode failed = PlanRuns.last(PlanRuns.events(r.out()), "failed");
        assertTrue(failed.get("error").asText().contains("b0fca227"), failed.toString());
        assertEquals(List.of(), PlanRuns.volumes(dir.resolve("sr")));
    }

    @Test
    void aJournalOfAnotherPlanIsRefused(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        PlanRuns.plan(a, dir.resolve("sr"), List.of(PlanRuns.fileSr().toString()), "--vdi", RAW_VDI);
        PlanRuns.plan(b, dir.resolve("sr"), List.of(PlanRuns.fileSr().toString()), "--vdi", RAW_VDI);
        PlanRuns.migrate(a);
        Files.copy(Journal.beside(a), Journal.beside(b));
        CliRun r = CliRun.of("migrate", "--plan", b.toString(), "-q");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("another plan"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
    }

    @Test
    void aVdiAlreadyMigratedByAnotherRunIsNotCopiedTwice(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("sr");
        CliRun single = CliRun.of("migrate", "--sr", PlanRuns.fileSr().toString(), "--vdi", RAW_VDI, "--target-sr",
                target.toString(), "--state-dir", dir.resolve("state").toString(), "-q");
        assertEquals(0, single.exitCode(), single.err());
        Path planFile = dir.resolve("plan.json");
        PlanRuns.plan(planFile, target, List.of(PlanRuns.fileSr().toString()), "--vdi", RAW_VDI);
        CliRun r = CliRun.of("migrate", "--plan", planFile.toString(), "-q");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("VDI " + RAW_VDI + " was already migrated"), r.err());
        assertEquals(1, PlanRuns.volumes(target).size());
    }
}
