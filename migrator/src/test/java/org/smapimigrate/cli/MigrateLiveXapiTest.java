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
                    "--json");
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
        CliRun h = CliRun.of("migrate", "--help");
        assertTrue(h.out().contains("--switch-below") && h.out().contains("--mode live"), h.out());
    }
}
