package org.smapimigrate.cli;

import org.smapimigrate.plan.VolumeKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.VolumePlugin;
import org.smapimigrate.testing.Corpus;

/**
 * {@code migrate --source NBD_URI}: a VDI served by {@code serve} (a 5-deep chain with holes)
 * migrated over NBD into the bundled SMAPIv3 SR; the volume read back through its datapath has
 * the manifest's SHA-256 and the migration verified.
 */
class MigrateFromNbdTest {
    @TempDir
    Path tmp;

    @Test
    void anNbdExportMigratesAndVerifiesLikeAnyVdi() throws Exception {
        JsonNode e = null;
        for (JsonNode x : Corpus.manifest().get("entries")) {
            if (x.get("id").asText().equals("file-sr/deep-chain/08b6dcc8-7e65-4fbf-b7e6-d95ae7e1b529.vhd")) {
                e = x;
            }
        }
        String uuid = e.get("vdi_uuid").asText();
        Path vhd = Corpus.path(e.get("path").asText());
        try (ServeProcess serve = ServeProcess.start(tmp, 1, "--sr", vhd.getParent().toString(), "--vdi", uuid,
                "--unix", tmp.resolve("s.sock").toString())) {
            CliRun r = CliRun.of("migrate", "--source", serve.uris.get(0), "--target-sr", tmp.resolve("v3sr").toString(),
                    "--state-dir", tmp.resolve("state").toString(), "--json", "-q");
            assertEquals(0, r.exitCode(), r.err());
            JsonNode done = MigrateCommandTest.doneEvent(r);
            assertTrue(org.smapimigrate.verify.ManifestFile.read(Path.of(done.get("manifests").get(0).asText()))
                    .verification().matches());
            PluginRoot root = MigrateCommandTest.bundled();
            VolumePlugin plugin = root.volumePlugin("org.smapimigrate.dirvol");
            String sr = plugin.srAttach(Map.of("path", tmp.resolve("v3sr").toString()));
            var volumes = plugin.srLs(sr);
            assertEquals(1, volumes.size());
            assertEquals(uuid, VolumeKeys.ours(volumes.get(0).keys()).get("smapi-migrate-source-vdi"), "the export name's uuid is the VDI");
            assertEquals(e.get("expected_sha256").asText(),
                    MigrateCommandTest.sha256ThroughDatapath(root, plugin, sr, volumes.get(0).key()));
            CliRun both = CliRun.of("migrate", "--source", serve.uris.get(0), "--sr", vhd.getParent().toString(),
                    "--target-sr", tmp.resolve("v3sr").toString());
            assertEquals(2, both.exitCode());
            assertTrue(both.err().contains("--source"), both.err());
        }
    }

    /**
     * xapi-nbd's export name carries the session ({@code /UUID?session_id=OpaqueRef:...}). nbdkit
     * serves any export name, so it stands in for that shape here. The session never reaches the
     * state directory, and a resume from the plan alone is refused until the URI is given again.
     */
    @Test
    void aSessionInTheExportNameNeverReachesThePlanOrJournal() throws Exception {
        Path image = tmp.resolve("disk.raw");
        try (var f = java.nio.channels.FileChannel.open(image, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            f.write(java.nio.ByteBuffer.wrap("some data".repeat(1000).getBytes()), 1 << 20);
            f.truncate(4 << 20);
        }
        String secret = "OpaqueRef:5ec7e7-77";
        try (var server = org.smapimigrate.nbd.NbdServerProcess.nbdkit(tmp, "-r", "file", image.toString())) {
            String uri = "nbd+unix:///%2F0a1b2c3d-1111-2222-3333-444455556666%3Fsession_id%3D"
                    + secret.replace(":", "%3A") + "?socket=" + server.socket();
            Path state = tmp.resolve("state");
            CliRun r = CliRun.of("migrate", "--source", uri, "--target-sr", tmp.resolve("v3sr").toString(),
                    "--state-dir", state.toString(), "-q");
            assertEquals(0, r.exitCode(), r.err());
            try (var files = java.nio.file.Files.walk(state)) {
                for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                    assertTrue(!java.nio.file.Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1)
                            .contains("5ec7e7"), "the session reached " + f);
                }
            }
            Path plan;
            try (var files = java.nio.file.Files.walk(state)) {
                plan = files.filter(f -> f.getFileName().toString().endsWith(".plan.json")).findFirst().orElseThrow();
            }
            CliRun alone = CliRun.of("migrate", "--plan", plan.toString(), "-q");
            assertEquals(1, alone.exitCode(), alone.err());
            assertTrue(alone.err().contains("--source"), alone.err());
            CliRun again = CliRun.of("migrate", "--plan", plan.toString(), "--source", uri, "-q");
            assertEquals(0, again.exitCode(), again.err());
        }
    }
}
