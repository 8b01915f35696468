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
