package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.batch.JobStates;
import org.smapimigrate.batch.VolumeState;

/**
 * 'batch run --plugin-timeout': the limit reaches every plugin call the engine makes for a job.
 * The job's target is a volume plugin whose every command sleeps 60 s (a hung storage back end);
 * with --plugin-timeout 1 the volume fails within seconds, its reason the plugin client's "no
 * answer within 1 s; killed it", and the run exits 1. A limit that is not positive is a usage
 * error.
 */
class BatchPluginTimeoutTest {
    static final String RAW = "db391a5a-ed94-4fd3-b178-6fe9c35fb3a6";

    @TempDir
    Path dir;

    @Test
    void aHungPluginFailsTheVolumeAfterTheTimeLimit() throws Exception {
        Path plugin = Files.createDirectories(dir.resolve("plugins/volume/org.example.hung"));
        Path script = plugin.resolve("hung.sh");
        Files.writeString(script, "#!/bin/sh\nexec sleep 60\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String cmd : List.of("Plugin.Query", "SR.attach", "SR.ls", "SR.stat", "Volume.create", "Volume.stat")) {
            Files.createSymbolicLink(plugin.resolve(cmd), script.getFileName());
        }
        Path jobs = dir.resolve("jobs.yaml");
        Files.writeString(jobs, "jobs:\n"
                + "  - name: hung\n"
                + "    source: { sr: " + PlanRuns.fileSr() + " }\n"
                + "    selection: { vdis: [" + RAW + "] }\n"
                + "    target: { volume-plugin: org.example.hung, sr-config: { path: /nonexistent }, plugins: plugins }\n"
                + "    options: { retries: 0 }\n");
        long t0 = System.nanoTime();
        CliRun r = CliRun.of("batch", "run", jobs.toString(), "--plugin-timeout", "1");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertTrue(seconds < 30, "the run waited " + seconds + " s for a plugin limited to 1 s");
        VolumeState s = JobStates.load(dir.resolve("jobs.state"), "hung").all().get(0);
        assertEquals(VolumeState.Status.FAILED, s.status(), s.toString());
        assertTrue(s.reason().contains("no answer within 1 s"), s.reason());
        assertTrue(r.out().contains("hung  " + RAW + "  FAILED after 1 attempt: "), r.out());

        CliRun zero = CliRun.of("batch", "run", jobs.toString(), "--plugin-timeout", "0", "--state",
                dir.resolve("zero.state").toString());
        assertEquals(2, zero.exitCode(), zero.err());
        assertTrue(!Files.exists(dir.resolve("zero.state")), "a usage error writes nothing");
        assertTrue(zero.err().contains("--plugin-timeout must be a positive number of seconds"), zero.err());
    }
}
