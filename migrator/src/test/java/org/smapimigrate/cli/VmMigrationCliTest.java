package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.xapi.standin.StandIns;

/**
 * Issue 12's refusals and rollback against the XAPI stand-in (xapi test-jar; it models the
 * datamodel's records, VBD.create/destroy checks, blocked operations, fault injection, and SR.scan
 * of a SMAPIv3 SR through the real bundled plugin), from the command line, with real SMAPIv1 data
 * ({@link VmPoolFixture}). The uninterrupted run and the kills: {@link VmMigrationEndToEndTest}.
 */
class VmMigrationCliTest {
    @TempDir
    Path dir;
    VmPoolFixture pool;

    @BeforeEach
    void build() throws Exception {
        pool = VmPoolFixture.build(dir);
    }

    @AfterEach
    void stop() {
        pool.close();
    }

    private CliRun cli(String... args) {
        return pool.cli(args);
    }

    @Test
    void aRunningVmIsRefusedBeforeAnythingIsWritten() throws Exception {
        ObjectNode before = pool.xapi.dump();
        List<String> v3Before = listDir(dir.resolve("v3-sr"));
        CliRun m = cli("migrate", "--vm", "db", "--target-sr", "SMAPIv3 target", "--state-dir",
                dir.resolve("state").toString());
        assertEquals(1, m.exitCode(), m.out() + m.err());
        assertTrue(m.err().contains("vm-running"), m.err());
        assertEquals(1, m.err().lines().count(), m.err());
        assertEquals(before, pool.xapi.dump());
        assertEquals(v3Before, listDir(dir.resolve("v3-sr")), "nothing written to the target SR");
        // Shut down, the same command plans again instead of refusing the old plan for ever.
        pool.xapi.db().set("VM", pool.db, "power_state", "Halted");
        pool.xapi.db().set("VBD", pool.xapi.db().get("VM", pool.db).get("VBDs").get(0).asText(), "currently_attached",
                false);
        CliRun again = cli("migrate", "--vm", "db", "--target-sr", "SMAPIv3 target", "--state-dir",
                dir.resolve("state").toString(), "--dry-run");
        assertFalse(again.out().contains("vm-running"), again.out());
    }

    @Test
    void aSharedVdiIsRefusedUnlessBothVmsAreNamed() throws Exception {
        String other = pool.xapi.addVm("reporting", Map.of("power_state", "Halted"));
        pool.xapi.addVbd(other, pool.dataDisk, "2", Map.of("mode", "RO"));
        CliRun one = cli("plan", "--vm", "app-server", "--target-sr", "SMAPIv3 target");
        assertEquals(1, one.exitCode(), one.out());
        assertTrue(one.out().contains("vdi-shared") && one.out().contains("reporting"), one.out());
        CliRun both = cli("plan", "--vm", "app-server", "--vm", "reporting", "--target-sr", "SMAPIv3 target");
        assertEquals(0, both.exitCode(), both.out() + both.err());
        assertFalse(both.out().contains("vdi-shared"), both.out());
    }

    @Test
    void aFailedVbdCreateRollsEveryVbdBack() throws Exception {
        ObjectNode before = pool.xapi.dump();
        pool.xapi.faults().failOnCall("VBD.create", 4, "INTERNAL_ERROR", "injected by the test");
        CliRun m = cli("migrate", "--vm", "app-server", "--target-sr", "SMAPIv3 target", "--state-dir",
                dir.resolve("state").toString());
        assertEquals(1, m.exitCode(), m.out() + m.err());
        assertTrue(m.err().contains("Rolled back") && m.err().contains("injected by the test"), m.err());
        ObjectNode after = pool.xapi.dump();
        assertEquals(VmStateAssertions.vbdsAndBlocks(before), VmStateAssertions.vbdsAndBlocks(after),
                "every VBD on its old VDI with its old fields, blocked operations as before");
        assertNotEquals(before.get("VDI").size(), after.get("VDI").size(), "the new VDIs stay");
        // Run again without the fault: it finishes.
        CliRun again = cli("migrate", "--vm", "app-server", "--target-sr", "SMAPIv3 target", "--state-dir",
                dir.resolve("state").toString());
        assertEquals(0, again.exitCode(), again.out() + again.err());
        VmStateAssertions.expectedDifference(before, pool.xapi.dump(), pool);

        // And back again on request: an abort killed half-way (a SIGKILLed child JVM), then run again with
        // --destroy-copies, ends with every VBD back and the copies gone.
        List<String> abort = new java.util.ArrayList<>(List.of("migrate", "--vm", "app-server", "--target-sr",
                "SMAPIv3 target", "--state-dir", dir.resolve("state").toString(), "--abort", "--host-root",
                pool.hostRoot.toString()));
        abort.addAll(pool.xapiOptions());
        String killed = PlanRuns.stoppedAt(abort, "vm-restore-destroyed:3", dir.resolve("abort.log"), false);
        assertTrue(killed.contains("test pause: vm-restore-destroyed:3"), killed);
        CliRun a = cli("migrate", "--vm", "app-server", "--target-sr", "SMAPIv3 target", "--state-dir",
                dir.resolve("state").toString(), "--abort", "--destroy-copies");
        assertEquals(0, a.exitCode(), a.out() + a.err());
        assertTrue(a.err().contains("4 VBDs put back"), "two were back before the kill: " + a.err());
        ObjectNode undone = pool.xapi.dump();
        assertEquals(VmStateAssertions.vbdsAndBlocks(before), VmStateAssertions.vbdsAndBlocks(undone));
        assertEquals(before.get("VDI").size(), undone.get("VDI").size(), "the copies are gone");
        for (String out : List.of(m.out(), m.err(), again.out(), again.err(), a.out(), a.err())) {
            assertFalse(out.contains(StandIns.PASSWORD));
        }
    }

    private static List<String> listDir(Path d) throws Exception {
        try (var s = Files.walk(d)) {
            return s.map(Path::toString).sorted().toList();
        }
    }

}
