package org.smapimigrate.cli;

import org.smapimigrate.plan.VolumeKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.execute.Journal;
import org.smapimigrate.execute.JournalEntry;
import org.smapimigrate.plugin.Volume;

/**
 * What an admin scripting {@code plan && migrate --plan} overnight relies on, each from the
 * command line: refusals before anything is written (an unreadable VDI, a bogus --vdi, a target
 * too small), a full target failing once and cleanly, --abort putting the target back, and a
 * killed single-VDI migration resuming like a plan.
 */
class UnattendedSafetyTest {
    static final String SR_UUID = "5c0ffee0-1111-4222-8333-444455556666";
    static final String BIG = "5c0ffee0-aaaa-4bbb-8ccc-000000000024";
    static final String RAW_VDI = MigratePlanRefusalTest.RAW_VDI;

    @TempDir
    Path tmp;
    Path mounted;

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            new ProcessBuilder("umount", mounted.toString()).inheritIO().start().waitFor();
        }
    }

    /** A file SR holding one raw VDI of 24 MiB of random bytes: 24 MiB to write, whatever the target. */
    private Path bigSource() throws Exception {
        Path sr = Files.createDirectories(tmp.resolve("src").resolve(SR_UUID));
        byte[] data = new byte[24 << 20];
        new Random(24).nextBytes(data);
        Files.write(sr.resolve(BIG + ".raw"), data);
        return sr;
    }

    /** A 20 MiB tmpfs (needs root, as the LVM tests do). */
    private Path smallTmpfs() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("small"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "mounting a 20 MiB tmpfs needs root and the mount command (Debian package"
                + " mount): " + out);
        mounted = dir;
        return dir;
    }

    private static List<String> files(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            // The plugin's own lock file is no stray; everything else is counted.
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .filter(n -> !n.equals(".lock")).sorted().toList();
        }
    }

    @Test
    void planOfAnSrWithAnUnreadableVdiExitsOneAndItsRunMigratesNothing() throws Exception {
        Path broken = corpusDir().resolve("broken").resolve("missing-parent");
        Map<Path, String> before = MigrateCommandTest.hashFiles(broken);
        Path planFile = tmp.resolve("plan.json");
        CliRun plan = CliRun.of("plan", "--sr", broken.toString(), "--target-sr", tmp.resolve("v3").toString(), "-o",
                planFile.toString());
        assertEquals(1, plan.exitCode(), plan.err());
        assertTrue(plan.err().contains("unreadable-chain"), plan.err());
        assertTrue(Files.exists(planFile), "the plan is still written, for reading");

        CliRun run = CliRun.of("migrate", "--plan", planFile.toString(), "--json");
        assertEquals(1, run.exitCode(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("nothing was written") && run.err().contains("--force ")
                && run.err().contains("unreadable-chain"), run.err());
        JsonNode failed = PlanRuns.last(PlanRuns.events(run.out()), "failed");
        assertTrue(failed.get("error").asText().contains("unreadable-chain"), failed.toString());
        assertFalse(Files.exists(tmp.resolve("v3")), "no target SR was created");
        assertEquals(before, MigrateCommandTest.hashFiles(broken), "the source is untouched");
    }

    @Test
    void aBogusVdiBesideAGoodOneWritesNothing() throws Exception {
        CliRun r = CliRun.of("migrate", "--sr", PlanRuns.fileSr().toString(), "--vdi", RAW_VDI, "--vdi", "bogus",
                "--target-sr", tmp.resolve("v3").toString(), "--state-dir", tmp.resolve("state").toString(), "--json");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("has no VDI bogus"), r.err());
        assertEquals("failed", PlanRuns.last(PlanRuns.events(r.out()), "failed").get("event").asText());
        assertFalse(Files.exists(tmp.resolve("v3")), "no SR was created");
        assertFalse(Files.exists(tmp.resolve("state")), "no plan was written");
    }

    @Test
    void aTargetTooSmallIsRefusedBeforeTheSrIsCreated() throws Exception {
        Path src = bigSource();
        Path small = smallTmpfs();
        CliRun r = CliRun.of("migrate", "--sr", src.toString(), "--vdi", BIG, "--target-sr",
                small.resolve("sr").toString(), "--state-dir", tmp.resolve("state").toString());
        assertEquals(1, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("target-space-insufficient") && r.err().contains("nothing was written"), r.err());
        assertEquals(List.of(), files(small), "nothing on the small filesystem, not even an SR");
    }

    @Test
    void runningOutOfSpaceFailsOnceCleanlyAndTheRerunRefusesAtOnce() throws Exception {
        Path src = bigSource();
        Path small = smallTmpfs();
        String[] args = {"migrate", "--sr", src.toString(), "--vdi", BIG, "--target-sr", small.resolve("sr").toString(),
                "--state-dir", tmp.resolve("state").toString(), "--force", "target-space-insufficient", "-q"};
        CliRun r = CliRun.of(args);
        assertEquals(1, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("smapi-migrate: error: out of space on ") && r.err().contains("ENOSPC")
                && r.err().contains("was destroyed"), r.err());
        assertEquals(List.of("sr.json"), files(small.resolve("sr")), "no volume, no *.raw, no *.json.tmp left");
        assertEquals(List.of(), PlanRuns.volumes(small.resolve("sr")));

        Path planFile;
        try (Stream<Path> s = Files.list(tmp.resolve("state"))) {
            planFile = s.filter(p -> p.toString().endsWith(".plan.json")).findFirst().orElseThrow();
        }
        int linesBefore = Journal.read(Journal.beside(planFile)).size();
        CliRun again = CliRun.of(args);
        assertEquals(1, again.exitCode(), again.err());
        assertTrue(again.err().contains("the last run ran out of space") && again.err().contains("nothing was written"),
                again.err());
        List<JournalEntry> journal = Journal.read(Journal.beside(planFile));
        assertEquals(linesBefore, journal.size(), "the refused re-run journaled nothing: it did not copy again");
        assertEquals(List.of("sr.json"), files(small.resolve("sr")));
    }

    @Test
    void abortPutsTheTargetBackAsItWas() throws Exception {
        Path sr = tmp.resolve("v3");
        String other = "08b6dcc8-7e65-4fbf-b7e6-d95ae7e1b529";
        // The SR already holds another migration's volume before the plan runs.
        assertEquals(0, CliRun.of("migrate", "--sr", PlanRuns.fileSr().toString(), "--vdi", other, "--target-sr",
                sr.toString(), "--state-dir", tmp.resolve("first").toString(), "-q").exitCode());
        Map<String, Map<String, String>> before = listing(sr);
        String[] run = {"migrate", "--sr", PlanRuns.fileSr().toString(), "--vdi", RAW_VDI, "--target-sr",
                sr.toString(), "--state-dir", tmp.resolve("second").toString(), "-q"};
        assertEquals(0, CliRun.of(run).exitCode());
        assertEquals(before.size() + 1, listing(sr).size());

        List<String> abort = new java.util.ArrayList<>(List.of(run));
        abort.add("--abort");
        CliRun a = CliRun.of(abort.toArray(String[]::new));
        assertEquals(0, a.exitCode(), a.err());
        assertEquals(before, listing(sr), "exactly the volumes (and keys) from before the plan");
        try (Stream<Path> s = Files.walk(tmp.resolve("second"))) {
            assertTrue(s.noneMatch(p -> p.toString().endsWith(".manifest.json")), "the plan's manifests are gone");
        }
        // Run again after the abort: a fresh plan, a fresh copy.
        assertEquals(0, CliRun.of(run).exitCode());
        assertEquals(before.size() + 1, listing(sr).size());
    }

    @Test
    void abortOfAPlanWhoseRunCreatedTheSrRemovesTheSr() throws Exception {
        Path sr = tmp.resolve("v3");
        String[] run = {"migrate", "--sr", PlanRuns.fileSr().toString(), "--vdi", RAW_VDI, "--target-sr",
                sr.toString(), "--state-dir", tmp.resolve("state").toString(), "-q"};
        assertEquals(0, CliRun.of(run).exitCode());
        List<String> abort = new java.util.ArrayList<>(List.of(run));
        abort.add("--abort");
        CliRun a = CliRun.of(abort.toArray(String[]::new));
        assertEquals(0, a.exitCode(), a.err());
        assertFalse(Files.exists(sr), "the SR the plan's run created is gone: " + files(sr));
    }

    @Test
    void aKilledSingleVdiMigrationResumesLikeAPlan() throws Exception {
        Path src = bigSource();
        List<String> args = List.of("migrate", "--sr", src.toString(), "--vdi", BIG, "--target-sr",
                tmp.resolve("v3").toString(), "--state-dir", tmp.resolve("state").toString(), "-q");
        String out = PlanRuns.stoppedAt(args, "copied:" + (8 << 20) + ":copy:" + BIG + "@" + BIG, tmp.resolve("child.log"),
                false);
        assertTrue(out.contains("test pause: copied:"), out);
        List<Volume> half = PlanRuns.volumes(tmp.resolve("v3"));
        assertEquals(1, half.size());
        assertEquals("incomplete", VolumeKeys.stateOf(half.get(0).keys()));

        CliRun resumed = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, resumed.exitCode(), resumed.err());
        List<Volume> done = PlanRuns.volumes(tmp.resolve("v3"));
        assertEquals(1, done.size());
        assertEquals(half.get(0).key(), done.get(0).key(), "the same volume was finished");
        assertEquals("complete", VolumeKeys.stateOf(done.get(0).keys()));
        assertEquals(MigrateCommandTest.hashFiles(src).get(src.resolve(BIG + ".raw")),
                MigrateCommandTest.sha256ThroughDatapath(MigrateCommandTest.bundled(),
                        MigrateCommandTest.bundled().volumePlugin("org.smapimigrate.dirvol"),
                        PlanRuns.target(tmp.resolve("v3")).sr(), done.get(0).key()));
    }

    @Test
    void aVhdCutShortIsAnErrorLevelRiskAndMigratesOnlyWhenForcedByName() throws Exception {
        // qemu-img makes a dynamic VHD of 6 MiB of random data (3 blocks, written in order); the
        // file loses its last MiB of block data and its footer, as a copy cut short would.
        Path sr = Files.createDirectories(tmp.resolve("src").resolve(SR_UUID));
        String vdi = "5c0ffee0-cccc-4ddd-8eee-000000000006";
        byte[] data = new byte[6 << 20];
        new Random(6).nextBytes(data);
        Path raw = Files.write(tmp.resolve("data.raw"), data);
        Path vhd = sr.resolve(vdi + ".vhd");
        Process q = new ProcessBuilder("qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o",
                "subformat=dynamic,force_size=on", raw.toString(), vhd.toString()).inheritIO().start();
        assertEquals(0, q.waitFor(), "qemu-img (Debian package qemu-utils) makes the VHD");
        try (var ch = java.nio.channels.FileChannel.open(vhd, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 512 - (1 << 20));
        }
        Map<Path, String> before = MigrateCommandTest.hashFiles(sr);

        CliRun plan = CliRun.of("plan", "--sr", sr.toString(), "--target-sr", tmp.resolve("v3").toString(), "-o",
                tmp.resolve("plan.json").toString());
        assertEquals(1, plan.exitCode(), plan.out() + plan.err());
        assertTrue(plan.out().contains("error   block-cut-short") && plan.out().contains("1048576 bytes"), plan.out());

        String[] run = {"migrate", "--sr", sr.toString(), "--vdi", vdi, "--target-sr", tmp.resolve("v3").toString(),
                "--state-dir", tmp.resolve("state").toString(), "-q"};
        CliRun refused = CliRun.of(run);
        assertEquals(1, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("--force block-cut-short"), refused.err());
        assertFalse(Files.exists(tmp.resolve("v3")));

        List<String> forced = new java.util.ArrayList<>(List.of(run));
        forced.addAll(List.of("--force", "block-cut-short"));
        CliRun r = CliRun.of(forced.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        // The model: the lost MiB reads as zeros, everything else as qemu-img wrote it.
        java.util.Arrays.fill(data, 5 << 20, 6 << 20, (byte) 0);
        Path want = Files.write(Files.createDirectories(tmp.resolve("want")).resolve("want.raw"), data);
        List<Volume> vols = PlanRuns.volumes(tmp.resolve("v3"));
        assertEquals(1, vols.size());
        assertEquals(MigrateCommandTest.hashFiles(want.getParent()).get(want),
                MigrateCommandTest.sha256ThroughDatapath(MigrateCommandTest.bundled(),
                        MigrateCommandTest.bundled().volumePlugin("org.smapimigrate.dirvol"),
                        PlanRuns.target(tmp.resolve("v3")).sr(), vols.get(0).key()));
        assertEquals(before, MigrateCommandTest.hashFiles(sr), "the source is untouched");
    }

    @Test
    void aBaseCopyNamedWithVdiIsMigratedWithANoteSayingWhatItIs() throws Exception {
        String base = "a328e562-97ba-4dac-a393-a48e65cbb69c"; // corpus manifest: role base-copy
        CliRun r = CliRun.of("migrate", "--sr", PlanRuns.fileSr().toString(), "--vdi", base, "--target-sr",
                tmp.resolve("v3").toString(), "--state-dir", tmp.resolve("state").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("smapi-migrate: note: ") && l.contains(base)
                && l.contains("base copy") && l.contains("not-user-visible")), r.err());
        assertEquals(1, PlanRuns.volumes(tmp.resolve("v3")).size());
    }

    private static Path corpusDir() {
        return MigrateCommandTest.corpus();
    }

    private static Map<String, Map<String, String>> listing(Path sr) throws Exception {
        Map<String, Map<String, String>> out = new java.util.TreeMap<>();
        for (Volume v : PlanRuns.volumes(sr)) {
            out.put(v.key(), v.keys());
        }
        return out;
    }
}
