package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.live.xapi.LiveXapiPool;
import org.smapimigrate.xapi.standin.StandIns;

/**
 * {@code migrate --mode live --xapi URL --vm db --target-sr "SMAPIv3 target"} end to end against
 * the stand-in (the pool of {@link LiveXapiPool}: a running VM whose guest writes 2 MiB/s): the
 * pool's SMAPIv3 SR is found by name and written through its plugin on this "host" (--plugins),
 * the JSON report lists the passes, the downtime and the verification, the volume hashes like
 * sha256sum of the disk's final raw file, the VM runs on its new VDI, no snapshot is left, and no
 * password reaches the output. Usage errors are one line, exit 2.
 */
class MigrateLiveXapiTest {
    @TempDir
    Path dir;

    @Test
    void aRunningVmMovesLiveFromTheCommandLine() throws Exception {
        try (LiveXapiPool pool = new LiveXapiPool(dir)) {
            pool.xapi.startGuest(pool.vm, 2 * LiveXapiPool.MIB, 5);
            CliRun r = CliRun.of("migrate", "--mode", "live", "--xapi", pool.xapi.url(), "--vm", "db", "--target-sr",
                    "SMAPIv3 target", "--plugins", StandIns.bundledPluginRoot().toString(), "--xapi-password-file",
                    pool.passwordFile.toString(), "--xapi-ca", StandIns.pki().poolCa().caPem().toString(),
                    "--state-dir", dir.resolve("state").toString(), "--max-passes", "2", "--switch-below", "1",
                    "--json", "--report", dir.resolve("run.md").toString());
            assertEquals(0, r.exitCode(), r.err() + r.out());
            JsonNode j = new ObjectMapper().readTree(r.out());
            List<JsonNode> passes = new ArrayList<>();
            j.path("passes").forEach(passes::add);
            assertEquals(3, passes.size(), j.toString());
            assertEquals(LiveXapiPool.DISK_SIZE, passes.get(0).path("changed").asLong());
            assertTrue(j.path("downtime_seconds").asDouble() > 0);
            assertTrue(j.path("verified").asBoolean());
            String finalSha = pool.rawSha256(pool.disk);
            assertEquals("sha256:" + finalSha, j.path("source_digest").asText());
            assertEquals(finalSha, pool.volumeSha256(j.path("volume").asText(), LiveXapiPool.DISK_SIZE));
            assertEquals("Running", pool.xapi.db().get("VM", pool.vm).path("power_state").asText());
            assertNotEquals(pool.diskUuid, pool.vdiAtDevice0());
            assertEquals(List.of(), pool.snapshotVdis());
            assertFalse((r.out() + r.err()).contains(StandIns.PASSWORD));
            reportAgrees(j, dir.resolve("run.md"), dir.resolve("state"));

            CliRun text = CliRun.of("migrate", "--mode", "live", "--xapi", pool.xapi.url(), "--vm", "db", "--target-sr",
                    "SMAPIv3 target", "--plugins", StandIns.bundledPluginRoot().toString(), "--xapi-password-file",
                    pool.passwordFile.toString(), "--xapi-ca", StandIns.pki().poolCa().caPem().toString(),
                    "--state-dir", dir.resolve("state").toString());
            // The VM now runs on the new VDI: a new live run of it would be a new migration; this
            // one is recorded as finished and is only reported again.
            assertEquals(0, text.exitCode(), text.err());
            assertTrue(text.err().contains("finished by an earlier run"), text.err());
            assertTrue(text.err().contains("downtime:"), text.err());
        }
    }

    /**
     * A VM of two disks and an empty CD drive through the command line: a VBD.create failing for
     * the second disk rolls the repoint back (exit 1, the JSON report says the VM started on its
     * old disks, both VBDs on their old VDIs, no snapshot left); the same command again moves both
     * disks with one stop and one start, each volume hashing like sha256sum of its disk's final
     * raw file.
     */
    @Test
    void aRunningVmOfTwoDisksMovesLiveFromTheCommandLine() throws Exception {
        try (LiveXapiPool pool = new LiveXapiPool(dir, 2)) {
            pool.xapi.startGuest(pool.vm, 2 * LiveXapiPool.MIB, 6);
            String[] args = {"migrate", "--mode", "live", "--xapi", pool.xapi.url(), "--vm", "db", "--target-sr",
                    "SMAPIv3 target", "--plugins", StandIns.bundledPluginRoot().toString(), "--xapi-password-file",
                    pool.passwordFile.toString(), "--xapi-ca", StandIns.pki().poolCa().caPem().toString(),
                    "--state-dir", dir.resolve("state").toString(), "--max-passes", "1", "--json"};
            pool.xapi.faults().failOnCall("VBD.create", 2, "INTERNAL_ERROR", "injected by the test");
            CliRun failed = CliRun.of(args);
            assertEquals(1, failed.exitCode(), failed.err() + failed.out());
            JsonNode f = new ObjectMapper().readTree(failed.out());
            assertEquals("old", f.path("started_on").asText(), f.toString());
            assertTrue(f.path("failure").asText().contains("injected by the test"), f.toString());
            assertEquals(2, f.path("disks").size(), f.toString());
            assertEquals(pool.diskUuids.get(0), pool.vdiAtDevice("0"), "VBD 0 on its old disk");
            assertEquals(pool.diskUuids.get(1), pool.vdiAtDevice("1"), "VBD 1 on its old disk");
            assertEquals("Running", pool.xapi.db().get("VM", pool.vm).path("power_state").asText());
            assertEquals(List.of(), pool.snapshotVdis());

            Path md = dir.resolve("vm-run.md");
            List<String> withReport = new ArrayList<>(List.of(args));
            withReport.addAll(List.of("--report", md.toString()));
            CliRun r = CliRun.of(withReport.toArray(String[]::new));
            assertEquals(0, r.exitCode(), r.err() + r.out());
            JsonNode j = new ObjectMapper().readTree(r.out());
            assertTrue(j.path("verified").asBoolean(), j.toString());
            // The Markdown report: a section per disk, one downtime whose parts add up to the JSON's.
            String report = java.nio.file.Files.readString(md);
            assertTrue(report.startsWith("# Live migration: done"), report);
            assertEquals(3, report.split("\n## Disk ", -1).length, report);
            pool.diskUuids.forEach(u -> assertTrue(report.contains("## Disk `" + u + "`"), report));
            assertEquals(2, report.split("\n## Downtime", -1).length, report);
            Path journal;
            try (var files = java.nio.file.Files.list(dir.resolve("state"))) {
                journal = files.filter(x -> x.getFileName().toString().endsWith(".passes")).findFirst().orElseThrow();
            }
            var parts = org.smapimigrate.live.LiveTimeline.read(journal).downtimeParts();
            assertEquals(List.of("stop", "final delta", "check", "repoint", "release + start"),
                    parts.stream().map(p -> p.name()).toList());
            assertEquals(j.path("downtime_seconds").asDouble(), parts.stream().mapToDouble(p -> p.seconds()).sum(), 1e-6);
            assertTrue(j.path("downtime_seconds").asDouble() > 0);
            assertEquals("new", j.path("started_on").asText());
            List<Long> sizes = pool.sizes;
            for (int i = 0; i < 2; i++) {
                JsonNode d = j.path("disks").get(i);
                assertEquals(pool.diskUuids.get(i), d.path("disk").asText());
                assertTrue(d.path("verified").asBoolean(), d.toString());
                assertEquals(2, d.path("passes").size(), "pass 0 and the switch-over's: " + d);
                String finalSha = pool.rawSha256(pool.disks.get(i));
                assertEquals("sha256:" + finalSha, d.path("source_digest").asText());
                assertEquals(finalSha, pool.volumeSha256(d.path("volume").asText(), sizes.get(i)));
                assertNotEquals(pool.diskUuids.get(i), pool.vdiAtDevice("" + i), "VBD " + i + " repointed");
            }
            assertEquals("Running", pool.xapi.db().get("VM", pool.vm).path("power_state").asText());
            assertEquals(List.of(), pool.snapshotVdis());
            assertFalse((failed.out() + failed.err() + r.out() + r.err()).contains(StandIns.PASSWORD));

            // The text report of the finished run: each disk's passes and verification, one downtime.
            CliRun text = CliRun.of(java.util.Arrays.copyOf(args, args.length - 1));
            assertEquals(0, text.exitCode(), text.err());
            for (int i = 0; i < 2; i++) {
                assertTrue(text.err().contains("  disk " + pool.diskUuids.get(i) + " into volume "), text.err());
                // The VM's disks are the new VDIs now: the report is the journal's run, of the old ones.
                assertFalse(text.err().contains("  disk " + pool.vdiAtDevice("" + i)), text.err());
            }
            assertEquals(2, text.err().split("verification: target equals the quiet source", -1).length - 1, text.err());
            assertEquals(2, text.err().split("downtime:", -1).length, "one downtime: " + text.err());
            assertTrue(text.err().contains("writer started on its new disks"), text.err());
        }
    }

    /**
     * The Markdown report of the run says what its JSON says (a row per pass with its bytes, the
     * verification, the downtime), the downtime's parts from the pass journal add up to it, and
     * every snapshot made was released (the stand-in holds none: asserted by the caller).
     */
    private static void reportAgrees(JsonNode j, Path md, Path state) throws Exception {
        String text = java.nio.file.Files.readString(md);
        assertTrue(text.startsWith("# Live migration: done"), text);
        for (JsonNode p : j.path("passes")) {
            String name = p.path("last").asBoolean() ? "final (VM stopped)" : p.path("number").asText();
            assertTrue(text.contains("| " + name + " | " + org.smapimigrate.report.Sizes.human(p.path("changed").asLong())
                    + " |"), name + ":\n" + text);
        }
        assertTrue(text.contains("the whole target equals the quiet source, `" + j.path("source_digest").asText()
                + "`"), text);
        assertTrue(text.contains(String.format(java.util.Locale.ROOT, "**%.3f s** from stop requested",
                j.path("downtime_seconds").asDouble())), text);
        java.util.regex.Matcher snaps = java.util.regex.Pattern
                .compile("snapshots: (\\d+) temporary snapshots? made, (\\d+) released\n").matcher(text);
        assertTrue(snaps.find(), text);
        assertEquals(snaps.group(1), snaps.group(2), "every snapshot released");
        Path journal;
        try (var files = java.nio.file.Files.list(state)) {
            journal = files.filter(f -> f.getFileName().toString().endsWith(".passes")).findFirst().orElseThrow();
        }
        var parts = org.smapimigrate.live.LiveTimeline.read(journal).downtimeParts();
        assertEquals(List.of("stop", "final delta", "check", "repoint", "release + start"),
                parts.stream().map(p -> p.name()).toList());
        assertEquals(j.path("downtime_seconds").asDouble(), parts.stream().mapToDouble(p -> p.seconds()).sum(), 1e-6);
        for (var p : parts) {
            assertTrue(text.contains("| " + p.name() + " | "), p.name());
        }
    }

    @Test
    void usageErrors() {
        CliRun r = CliRun.of("migrate", "--mode", "live", "--sr", dir.toString(), "--vdi", "x", "--target-sr",
                dir.resolve("t").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--stop-hook"), r.err());
        CliRun m = CliRun.of("migrate", "--mode", "fast", "--sr", dir.toString(), "--vdi", "x", "--target-sr", "t");
        assertEquals(2, m.exitCode());
        assertTrue(m.err().contains("--mode takes offline or live"), m.err());
        CliRun s = CliRun.of("migrate", "--mode", "live", "--switch-below", "soon", "--sr", dir.toString(), "--vdi",
                "x", "--target-sr", "t", "--stop-hook", "true", "--start-hook", "true");
        assertEquals(2, s.exitCode(), "a usage error, as in 'plan --mode live': " + s.err());
        assertTrue(s.err().contains("--switch-below 'soon' is neither a size"), s.err());
        CliRun rep = CliRun.of("migrate", "--mode", "live", "--report", "run.txt", "--sr", dir.toString(), "--vdi",
                "x", "--target-sr", "t", "--stop-hook", "true", "--start-hook", "true");
        assertEquals(2, rep.exitCode(), rep.err());
        assertTrue(rep.err().contains("--report run.txt: name it .html or .md"), rep.err());
        CliRun h = CliRun.of("migrate", "--help");
        assertTrue(h.out().contains("--switch-below") && h.out().contains("--mode live"), h.out());
    }
}
