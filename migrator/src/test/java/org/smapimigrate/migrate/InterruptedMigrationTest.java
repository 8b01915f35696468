package org.smapimigrate.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smapimigrate.migrate.MigrationFixtures.RAW_VDI;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.plugin.PluginRoot;

/**
 * Ctrl-C in the middle of a single-VDI migration: the datapath is released, the volume stays
 * marked incomplete for the re-run, and one line says what was interrupted and how to resume.
 */
class InterruptedMigrationTest {
    @TempDir
    Path tmp;
    Path sleeperPid;

    @AfterEach
    void killSleeper() throws Exception {
        if (sleeperPid != null && Files.exists(sleeperPid)) {
            new ProcessBuilder("kill", Files.readString(sleeperPid).strip()).start().waitFor();
        }
    }

    @Test
    void sigintMidMigrationReleasesTheDatapathAndSaysHowToResume() throws Exception {
        Path log = tmp.resolve("calls.log");
        sleeperPid = tmp.resolve("sleeper.pid");
        Path root = MigrationFixtures.fakeDatapathTree(tmp, log,
                "Datapath.attach=echo '{\"implementations\":[[\"File\",{\"path\":\"/dev/null\"}]]}'",
                "Datapath.activate=echo $$ > '" + sleeperPid + "'; exec sleep 60");
        Path sr = tmp.resolve("sr");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.smapimigrate.cli.SmapiMigrate", "migrate",
                "--sr", MigrationFixtures.corpusSrDir().toString(), "--vdi", RAW_VDI, "--target-sr", sr.toString(),
                "--plugins", root.toString(), "--state-dir", tmp.resolve("state").toString(), "-q")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        try {
            for (int i = 0; i < 600 && !(Files.exists(sleeperPid) && Files.size(sleeperPid) > 0); i++) {
                Thread.sleep(100);
            }
            assertTrue(Files.exists(sleeperPid), "the migration reached Datapath.activate: "
                    + Files.readString(tmp.resolve("out.txt")));
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JVM stops");
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(tmp.resolve("out.txt"));
        List<String> lines = out.lines().filter(l -> l.contains("interrupted")).toList();
        assertEquals(1, lines.size(), out);
        assertTrue(lines.get(0).contains("during step copy:" + RAW_VDI), out);
        assertTrue(lines.get(0).contains("To resume: smapi-migrate migrate --plan " + tmp.resolve("state")), out);
        List<String> calls = Files.readAllLines(log);
        // No Datapath.open for a persistent attachment; the interrupt's release also closes, for
        // attachments older versions opened.
        assertEquals(List.of("Datapath.attach", "Datapath.activate", "Datapath.deactivate",
                "Datapath.detach", "Datapath.close"), calls);
        TargetSr target = TargetSr.bundled(new PluginRoot(root, Duration.ofSeconds(60)), sr);
        for (var v : target.plugin().srLs(target.sr())) {
            assertEquals(VolumeKeys.INCOMPLETE, VolumeKeys.stateOf(v.keys()), "nothing looks complete");
        }
    }
}
