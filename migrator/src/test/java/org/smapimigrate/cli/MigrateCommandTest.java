package org.smapimigrate.cli;

import org.smapimigrate.plan.VolumeKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.datapath.VolumeAttachment;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.verify.ManifestFile;
import org.smapimigrate.plugin.VolumePlugin;

/** {@code smapi-migrate migrate} and {@code verify} end to end, against the corpus file SR. */
class MigrateCommandTest {
    static final String SR_UUID = "b0fca227-5603-4f8a-b1be-036360633f13";

    @TempDir
    Path tmp;

    static Path corpus() {
        return Path.of(System.getProperty("smapi.corpus"));
    }

    static Path srDir() {
        return corpus().resolve("file-sr").resolve(SR_UUID);
    }

    static PluginRoot bundled() {
        return new PluginRoot(Path.of(System.getProperty("smapi.root"), "examples", "xapi-storage-script"),
                Duration.ofSeconds(60));
    }

    /** VDI uuid -> expected_sha256 for every VDI the corpus manifest lists in the file SR. */
    static Map<String, String> expectedVdis() throws Exception {
        JsonNode m = new ObjectMapper().readTree(corpus().resolve("manifest.json").toFile());
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode v : m.get("file_sr").get("vdis")) {
            String uuid = v.get("uuid").asText();
            for (JsonNode e : m.get("entries")) {
                if (uuid.equals(e.path("vdi_uuid").asText()) && e.path("path").asText().equals(v.get("path").asText())
                        && e.has("expected_sha256")) {
                    out.put(uuid, e.get("expected_sha256").asText());
                }
            }
        }
        return out;
    }

    static Map<Path, String> hashFiles(Path dir) throws Exception {
        Map<Path, String> out = new LinkedHashMap<>();
        try (var files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                try (InputStream in = Files.newInputStream(p)) {
                    byte[] buf = new byte[1 << 20];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        md.update(buf, 0, n);
                    }
                }
                out.put(p, HexFormat.of().formatHex(md.digest()));
            }
        }
        return out;
    }

    static String sha256ThroughDatapath(PluginRoot root, VolumePlugin plugin, String sr, String key) throws Exception {
        Volume v = plugin.volumeStat(sr, key);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (VolumeAttachment a = VolumeAttachment.attach(root, v, "u0_test_readback");
             VirtualDisk d = a.openReader(v.virtualSize())) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            for (long pos = 0; pos < d.size(); ) {
                buf.clear().limit((int) Math.min(buf.capacity(), d.size() - pos));
                d.read(buf, pos);
                pos += buf.flip().remaining();
                md.update(buf);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void everyReadableVdiOfTheCorpusSrArrivesExactlyAndVerifies() throws Exception {
        Map<String, String> expected = expectedVdis();
        assertTrue(expected.size() >= 10, "corpus manifest lists the file SR's VDIs: " + expected.keySet());
        Map<Path, String> before = hashFiles(srDir());
        List<String> args = new ArrayList<>(List.of("migrate", "--sr", srDir().toString(),
                "--target-sr", tmp.resolve("v3sr").toString(), "--state-dir", tmp.resolve("state").toString(), "--json"));
        for (String vdi : expected.keySet()) {
            args.add("--vdi");
            args.add(vdi);
        }
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(before, hashFiles(srDir()), "the source SR is untouched");

        JsonNode out = doneEvent(r);
        assertEquals(expected.size(), out.get("manifests").size());
        PluginRoot root = bundled();
        VolumePlugin plugin = root.volumePlugin("org.smapimigrate.dirvol");
        String sr = plugin.srAttach(Map.of("path", tmp.resolve("v3sr").toString()));
        Map<String, Volume> byVdi = new LinkedHashMap<>();
        for (Volume v : plugin.srLs(sr)) {
            byVdi.put(VolumeKeys.ours(v.keys()).get("smapi-migrate-source-vdi"), v);
        }
        assertEquals(expected.keySet(), byVdi.keySet());
        for (var e : expected.entrySet()) {
            Volume v = byVdi.get(e.getKey());
            assertEquals(e.getKey(), v.name(), "a file SR VDI has no name: the volume takes its uuid");
            assertEquals(SR_UUID, VolumeKeys.ours(v.keys()).get("smapi-migrate-source-sr"));
            assertEquals("complete", VolumeKeys.stateOf(v.keys()));
            assertEquals(e.getValue(), sha256ThroughDatapath(root, plugin, sr, v.key()), e.getKey());
        }
        for (JsonNode m : out.get("manifests")) {
            assertTrue(ManifestFile.read(Path.of(m.asText())).verification().matches(), m.asText());
            assertTrue(Path.of(m.asText()).startsWith(tmp.resolve("state")), "manifests go to the state directory");
        }

        // verify re-checks them all from the manifests alone.
        List<String> verify = new ArrayList<>(List.of("verify", "--json"));
        for (JsonNode m : out.get("manifests")) {
            verify.add("--manifest");
            verify.add(m.asText());
        }
        CliRun v = CliRun.of(verify.toArray(String[]::new));
        assertEquals(0, v.exitCode(), v.err());
        assertTrue(new ObjectMapper().readTree(v.out()).get("all_match").asBoolean());
    }

    @Test
    void lvmVdisArriveExactlyAndTakeTheirNamesFromMgt() throws Exception {
        JsonNode sr = new ObjectMapper().readTree(corpus().resolve("lvm-sr/manifest-lvm.json").toFile())
                .get("srs").get(0);
        Path pv = Files.createDirectories(tmp.resolve("pv")).resolve(sr.get("pv_images").get(0).get("uncompressed_name").asText());
        try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(
                corpus().resolve("lvm-sr").resolve(sr.get("pv_images").get(0).get("file").asText())))) {
            Files.copy(in, pv);
        }
        String pvSha = sr.get("pv_images").get(0).get("uncompressed_sha256").asText();
        assertEquals(pvSha, hashFiles(pv.getParent()).get(pv), "the PV image unpacked as the corpus says");
        // A raw LV, a VHD chain (snapshot) and its leaf: names come from the SR's MGT volume.
        List<String> wanted = List.of("5acc36f9-92b2-4463-9756-057c3f038bee", "95e00d28-d8b1-41e0-b1b2-8f9265b160c4",
                "ca470caf-5828-44dd-8a1a-eb097a998ecc");
        List<String> args = new ArrayList<>(List.of("migrate", "--sr", pv.toString(), "--target-sr",
                tmp.resolve("v3sr").toString(), "--state-dir", tmp.resolve("state").toString(), "-q"));
        for (String vdi : wanted) {
            args.add("--vdi");
            args.add(vdi);
        }
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(pvSha, hashFiles(pv.getParent()).get(pv), "the PV is untouched");

        PluginRoot root = bundled();
        VolumePlugin plugin = root.volumePlugin("org.smapimigrate.dirvol");
        String target = plugin.srAttach(Map.of("path", tmp.resolve("v3sr").toString()));
        Map<String, Volume> byVdi = new LinkedHashMap<>();
        for (Volume v : plugin.srLs(target)) {
            byVdi.put(VolumeKeys.ours(v.keys()).get("smapi-migrate-source-vdi"), v);
        }
        assertEquals(new java.util.HashSet<>(wanted), byVdi.keySet());
        for (JsonNode v : sr.get("vdis")) {
            Volume vol = byVdi.get(v.get("uuid").asText());
            if (vol == null) {
                continue;
            }
            assertEquals(v.get("mgt_name_label").asText(), vol.name());
            assertEquals(sr.get("sr_uuid").asText(), VolumeKeys.ours(vol.keys()).get("smapi-migrate-source-sr"));
            assertEquals(v.get("expected_sha256").asText(), sha256ThroughDatapath(root, plugin, target, vol.key()),
                    v.get("uuid").asText());
        }
    }

    @Test
    void verifyFindsAChangedByteAndNamesWhere() throws Exception {
        String vdi = "08b6dcc8-7e65-4fbf-b7e6-d95ae7e1b529";
        CliRun r = CliRun.of("migrate", "--sr", srDir().toString(), "--vdi", vdi, "--target-sr",
                tmp.resolve("v3sr").toString(), "--state-dir", tmp.resolve("state").toString(), "--json", "-q");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode done = doneEvent(r);
        Path manifest = Path.of(done.get("manifests").get(0).asText());
        assertEquals(0, CliRun.of("verify", "--manifest", manifest.toString()).exitCode());

        // Change one byte of the volume behind the plugin's back, in its third 2 MiB block.
        Path raw = tmp.resolve("v3sr").resolve(done.get("volumes").get(0).asText() + ".raw");
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            long at = (4L << 20) + 12345;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
        CliRun bad = CliRun.of("verify", "--manifest", manifest.toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("differs") && bad.err().contains("4194304"), bad.err());
    }

    @Test
    void theSameCommandAgainChangesNothingAndAnotherPlanForTheVdiIsRefused() throws Exception {
        String vdi = "db391a5a-ed94-4fd3-b178-6fe9c35fb3a6";
        String[] base = {"migrate", "--sr", srDir().toString(), "--vdi", vdi, "--target-sr",
                tmp.resolve("v3sr").toString(), "--state-dir", tmp.resolve("state").toString(), "--json"};
        CliRun first = CliRun.of(base);
        assertEquals(0, first.exitCode(), first.err());
        CliRun again = CliRun.of(base);
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(0, doneEvent(again).get("steps_run").asInt(), "a finished run is only rechecked");
        assertEquals(doneEvent(first).get("volumes"), doneEvent(again).get("volumes"));

        CliRun other = CliRun.of("migrate", "--sr", srDir().toString(), "--vdi", vdi, "--target-sr",
                tmp.resolve("v3sr").toString(), "--state-dir", tmp.resolve("other").toString(), "-q");
        assertEquals(1, other.exitCode());
        assertTrue(other.err().startsWith("smapi-migrate: error: ") && other.err().contains("already migrated"),
                other.err());
        VolumePlugin plugin = bundled().volumePlugin("org.smapimigrate.dirvol");
        assertEquals(1, plugin.srLs(plugin.srAttach(Map.of("path", tmp.resolve("v3sr").toString()))).size());
    }

    /** The last line of 'migrate --json': the {@code done} event with the run summary. */
    static JsonNode doneEvent(CliRun r) throws Exception {
        String[] lines = r.out().strip().split("\n");
        JsonNode last = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertEquals("done", last.get("event").asText(), r.out());
        return last;
    }

    @Test
    void brokenPluginGivesOneErrorLineAndLeavesNothingBehind() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("plugins")); // before cp -a copies into it
        Process cp = new ProcessBuilder("cp", "-a",
                bundled().path().resolve("volume").toString(), root.resolve("volume").toString())
                .inheritIO().start();
        assertEquals(0, cp.waitFor());
        Path dp = Files.createDirectories(root.resolve("datapath").resolve("raw+file"));
        for (String m : List.of("Datapath.open", "Datapath.close", "Datapath.detach")) {
            script(dp.resolve(m), "cat >/dev/null; echo null");
        }
        script(dp.resolve("Datapath.attach"), "cat >/dev/null; echo 'this is not json'; exit 1");
        Map<Path, String> before = hashFiles(srDir());
        CliRun r = CliRun.of("migrate", "--sr", srDir().toString(), "--vdi", "db391a5a-ed94-4fd3-b178-6fe9c35fb3a6",
                "--target-sr", tmp.resolve("v3sr").toString(), "--plugins", root.toString(),
                "--state-dir", tmp.resolve("state").toString(), "-q");
        assertEquals(1, r.exitCode());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("smapi-migrate: error: step copy:db391a5a"), lines[0]);
        assertTrue(lines[0].contains("not JSON") && lines[0].contains("run the same command again"), lines[0]);
        assertEquals(before, hashFiles(srDir()));
        VolumePlugin plugin = bundled().volumePlugin("org.smapimigrate.dirvol");
        for (Volume v : plugin.srLs(plugin.srAttach(Map.of("path", tmp.resolve("v3sr").toString())))) {
            assertEquals("incomplete", VolumeKeys.stateOf(v.keys()), "nothing looks complete");
        }
    }

    @Test
    void usageErrors() {
        assertEquals(2, CliRun.of("migrate", "--sr", srDir().toString(), "--vdi", "x").exitCode(), "no target");
        CliRun bad = CliRun.of("migrate", "--sr", srDir().toString(), "--vdi", "x", "--target-sr", tmp.toString(),
                "--plugin-timeout", "0");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--plugin-timeout"), bad.err());
        assertEquals(2, CliRun.of("migrate", "--sr", srDir().toString(), "--vdi", "x", "--target-sr", tmp.toString(),
                "--volume-plugin", "y").exitCode());
        assertEquals(2, CliRun.of("verify").exitCode());
    }

    @Test
    void unreadableVdiIsRefusedBeforeAnyVolumeIsCreated() throws Exception {
        Path broken = corpus().resolve("broken").resolve("missing-parent");
        CliRun r = CliRun.of("migrate", "--sr", broken.toString(), "--vdi", "5bd07c1c-ae25-484f-a5d5-6842ea9e0ba7",
                "--target-sr", tmp.resolve("v3sr").toString(), "--state-dir", tmp.resolve("state").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("smapi-migrate: error: ") && r.err().contains("missing-parent"), r.err());
        assertTrue(r.err().contains("--force unreadable-chain"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        assertFalse(Files.exists(tmp.resolve("v3sr")), "no SR was created");
    }

    @Test
    void unknownVdiIsRefusedBeforeAnyVolumeIsCreated() throws Exception {
        CliRun r = CliRun.of("migrate", "--sr", srDir().toString(), "--vdi", "not-a-vdi-uuid",
                "--target-sr", tmp.resolve("v3sr").toString(), "--state-dir", tmp.resolve("state").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("no VDI not-a-vdi-uuid"), r.err());
        assertFalse(Files.exists(tmp.resolve("v3sr")), "no SR was created");
        assertFalse(Files.exists(tmp.resolve("state")), "no plan was written");
        assertFalse(r.err().contains("Exception"), r.err());
    }

    private static void script(Path p, String body) throws Exception {
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
