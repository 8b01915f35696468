package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.plugin.Volume;

/**
 * A single-VDI migrate killed (SIGKILL) once its copy and read-back are done, just before the
 * verification is journaled: XAPI's keys are on the volume by then (vdi-type is set beside the
 * copy) but the volume is recognisably unfinished, both to smapi-migrate (no completion record)
 * and to an admin looking at the VDI in XAPI (the in-progress marker ends its description, which
 * XAPI shows as name_description). The same command then finishes it, and the marker goes.
 */
class KilledMigrateLooksIncompleteTest {
    static final String VDI = "db391a5a-ed94-4fd3-b178-6fe9c35fb3a6";

    @TempDir
    Path tmp;

    @Test
    void aVolumeKilledBeforeItsCompletionLooksUnfinished() throws Exception {
        Path target = tmp.resolve("sr");
        List<String> args = List.of("migrate", "--sr", PlanRuns.fileSr().toString(), "--vdi", VDI, "--target-sr",
                target.toString(), "--state-dir", tmp.resolve("state").toString(), "-q");
        String out = PlanRuns.stoppedAt(args, "done:verify:" + VDI, tmp.resolve("run.log"), false);
        assertTrue(out.contains("test pause: "), out);

        List<Volume> volumes = PlanRuns.volumes(target);
        assertEquals(1, volumes.size(), volumes.toString());
        Volume v = volumes.get(0);
        assertEquals("user", v.keys().get(VolumeKeys.VDI_TYPE), "XAPI's key went on beside the copy");
        assertEquals(VolumeKeys.INCOMPLETE, VolumeKeys.stateOf(v.keys()), "no completion record yet: " + v.keys());
        String[] marker = VolumeKeys.inProgressOf(v.description());
        assertNotNull(marker, "the description an admin sees says it is in progress: " + v.description());
        assertTrue(v.description().endsWith(", in progress]"), v.description());

        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err() + r.out());
        Volume done = PlanRuns.volumes(target).get(0);
        assertEquals(v.key(), done.key(), "the same volume, finished");
        assertEquals(VolumeKeys.COMPLETE, VolumeKeys.stateOf(done.keys()));
        assertEquals(null, VolumeKeys.inProgressOf(done.description()), done.description());
    }
}
