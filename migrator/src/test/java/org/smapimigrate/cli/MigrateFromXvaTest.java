package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.plugin.VolumePlugin;
import org.smapimigrate.testing.Corpus;
import org.smapimigrate.xapi.xva.XvaWriter;
import org.smapimigrate.xapi.xva.XvaWriter.Checksum;
import org.smapimigrate.xapi.xva.XvaWriter.Compression;

/**
 * XVA archives made here from corpus disks (raw as qemu-img converts them; the expected SHA-256
 * from the corpus manifest, never from our reader) migrate into the bundled SMAPIv3 SR through the
 * one engine: plain, gzip and zstd; {@code .checksum} and {@code .xxhash}; zero chunks omitted
 * and keep-alive members; from a file and from standard input. A chunk with a wrong checksum
 * fails the run by the member's name with no volume marked complete; a cut archive fails too.
 */
class MigrateFromXvaTest {
    static final String RAW = "file-sr/raw/db391a5a-ed94-4fd3-b178-6fe9c35fb3a6.raw";
    static final String FIXED = "dialects/qemu-fixed";
    static final String DYNAMIC = "dialects/qemu-dynamic";
    static final String U_RAW = "0a000000-0000-4000-8000-000000000001";
    static final String U_FIXED = "0a000000-0000-4000-8000-000000000002";
    static final String U_DYNAMIC = "0a000000-0000-4000-8000-000000000003";

    @TempDir
    static Path disks;
    static final Map<String, Path> raw = new HashMap<>();
    static final Map<String, String> sha = new HashMap<>();

    @TempDir
    Path tmp;

    /** Each corpus disk as raw bytes: the raw VDI as it is, the VHDs through qemu-img (a third party). */
    @BeforeAll
    static void rawDisks() throws Exception {
        for (String id : List.of(RAW, FIXED, DYNAMIC)) {
            JsonNode e = entry(id);
            Path src = Corpus.path(e.get("path").asText());
            Path out = disks.resolve(id.replace('/', '_') + ".raw");
            if (id.equals(RAW)) {
                Files.copy(src, out);
            } else {
                Process p;
                try {
                    p = new ProcessBuilder("qemu-img", "convert", "-f", "vpc", "-O", "raw", src.toString(), out.toString())
                            .redirectErrorStream(true).start();
                } catch (IOException x) {
                    throw new IOException("qemu-img is needed to flatten the corpus VHDs: apt-get install qemu-utils", x);
                }
                String log = new String(p.getInputStream().readAllBytes());
                assertEquals(0, p.waitFor(), log);
            }
            raw.put(id, out);
            sha.put(id, e.get("expected_sha256").asText());
        }
    }

    static JsonNode entry(String id) throws IOException {
        for (JsonNode x : Corpus.manifest().get("entries")) {
            if (x.get("id").asText().equals(id)) {
                return x;
            }
        }
        throw new AssertionError("corpus manifest has no " + id);
    }

    /** A VM with three disks: Ref:10 (raw VDI), Ref:9 (qemu-fixed, 3 MiB + 21 KiB) and Ref:11 (qemu-dynamic). */
    Path archive(String name, Compression c, Checksum sum, boolean omitZeros) throws IOException {
        Path xva = tmp.resolve(name);
        new XvaWriter().vm("web <01> & co", "7c9e6679-7425-40de-944b-e07fc1f90ae7").compression(c).checksum(sum)
                .omitZeroChunks(omitZeros).keepAlives(omitZeros)
                .disk(XvaWriter.Disk.ofFile("Ref:10", U_RAW, "root", raw.get(RAW), "0"))
                .disk(XvaWriter.Disk.ofFile("Ref:9", U_FIXED, "swap", raw.get(FIXED), "1"))
                .disk(XvaWriter.Disk.ofFile("Ref:11", U_DYNAMIC, "data", raw.get(DYNAMIC), "2"))
                .write(xva);
        return xva;
    }

    @Test
    void everyKindOfArchiveImportsWithTheCorpusDigests() throws Exception {
        // Plain tar with .checksum and every chunk; all three disks, by name, export id and uuid.
        Path plain = archive("vm0.bin", Compression.NONE, Checksum.SHA1, false);
        Path target = tmp.resolve("v3sr-0");
        String[] all = {"migrate", "--sr", plain.toString(), "--vdi", "root", "--vdi", "Ref:9", "--vdi", U_DYNAMIC,
            "--target-sr", target.toString(), "--state-dir", tmp.resolve("state-0").toString(), "--json", "-q"};
        CliRun r = CliRun.of(all);
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(3, MigrateCommandTest.doneEvent(r).get("manifests").size(), r.out());
        Map<String, String> got = digestsIn(target);
        assertEquals(Map.of(U_RAW, sha.get(RAW), U_FIXED, sha.get(FIXED), U_DYNAMIC, sha.get(DYNAMIC)), got);
        // The same command again finds its plan in the state directory, done: it reopens the archive
        // from the plan's path, checks the volumes and changes nothing.
        CliRun again = CliRun.of(all);
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(got, digestsIn(target));
        // gzip and zstd with .xxhash, zero chunks omitted and keep-alive members: the sparse
        // qemu-dynamic disk (Ref:11, read after Ref:10 is passed over and checked) and the
        // 3 MiB + 21 KiB qemu-fixed one (Ref:9, last in archive order: its end marker is checked).
        Object[][] kinds = {{Compression.GZIP, Checksum.XXHASH, U_DYNAMIC, DYNAMIC}, {Compression.ZSTD, Checksum.XXHASH,
            U_FIXED, FIXED}};
        int i = 1;
        for (Object[] k : kinds) {
            Path xva = archive("vm" + i + ".bin", (Compression) k[0], (Checksum) k[1], true);
            Path t = tmp.resolve("v3sr-" + i);
            CliRun one = CliRun.of("migrate", "--sr", xva.toString(), "--vdi", (String) k[2], "--target-sr", t.toString(),
                    "--state-dir", tmp.resolve("state-" + i).toString(), "-q");
            assertEquals(0, one.exitCode(), k[0] + ": " + one.err());
            assertEquals(Map.of((String) k[2], sha.get((String) k[3])), digestsIn(t), k[0] + " " + k[1]);
            i++;
        }
    }

    @Test
    void standardInputImportsOneDiskInOnePass() throws Exception {
        Path xva = archive("vm.xva", Compression.ZSTD, Checksum.XXHASH, true);
        Path target = tmp.resolve("v3sr");
        CliRun r = withStdin(Files.readAllBytes(xva), () -> CliRun.of("migrate", "--sr", "-", "--vdi", "data",
                "--target-sr", target.toString(), "--state-dir", tmp.resolve("state").toString(), "-q"));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(Map.of(U_DYNAMIC, sha.get(DYNAMIC)), digestsIn(target));
    }

    @Test
    void exportFlattensOneDiskOfAnArchive() throws Exception {
        Path xva = archive("vm.xva", Compression.ZSTD, Checksum.XXHASH, true);
        Path out = tmp.resolve("swap.raw");
        CliRun r = CliRun.of("export", "--sr", xva.toString(), "--vdi", U_FIXED, "-o", out.toString(), "-q");
        assertEquals(0, r.exitCode(), r.err());
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        assertEquals(sha.get(FIXED), java.util.HexFormat.of().formatHex(md.digest(Files.readAllBytes(out))));
    }

    @Test
    void scanListsTheVmAndItsDisks() throws Exception {
        Path xva = archive("vm.xva", Compression.GZIP, Checksum.XXHASH, true);
        CliRun text = CliRun.of("scan", xva.toString());
        assertEquals(0, text.exitCode(), text.err());
        for (String s : List.of("VM 7c9e6679-7425-40de-944b-e07fc1f90ae7  (XVA archive)  \"web <01> & co\"", U_RAW, U_FIXED,
                U_DYNAMIC, "\"root\"", "\"swap\"", "\"data\"")) {
            assertTrue(text.out().contains(s), s + " in\n" + text.out());
        }
        CliRun json = CliRun.of("scan", xva.toString(), "--json");
        assertEquals(0, json.exitCode(), json.err());
        JsonNode j = new ObjectMapper().readTree(json.out());
        assertEquals("web <01> & co", j.get("sr").get("name_label").asText(), j.toString());
        assertEquals(3, j.get("vdis").size(), j.toString());
        for (JsonNode v : j.get("vdis")) {
            if (v.get("uuid").asText().equals(U_FIXED)) {
                assertEquals(3168256, v.get("virtual_size").asLong(), v.toString());
                assertTrue(v.get("path").asText().endsWith(" Ref:9 (device 1)"), v.toString());
            }
        }
    }

    @Test
    void aWrongChecksumFailsByNameAndNothingLooksImported() throws Exception {
        Path xva = archive("vm.xva", Compression.NONE, Checksum.XXHASH, false);
        byte[] t = Files.readAllBytes(xva);
        int header = indexOf(t, "Ref:11/00000002".getBytes(StandardCharsets.US_ASCII));
        t[header + 512 + 1000] ^= 0x40; // a byte of the chunk's data, after its checksum was taken
        Files.write(xva, t);
        Path target = tmp.resolve("v3sr");
        CliRun r = CliRun.of("migrate", "--sr", xva.toString(), "--vdi", "data", "--target-sr", target.toString(),
                "--state-dir", tmp.resolve("state").toString());
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("Ref:11/00000002") && r.err().contains("xva-checksum-mismatch"), r.err());
        assertNoneComplete(target);
        // The same archive's other disks, before the damaged chunk, are fine.
        CliRun other = CliRun.of("migrate", "--sr", xva.toString(), "--vdi", "root", "--target-sr", target.toString(),
                "--state-dir", tmp.resolve("state2").toString(), "-q");
        assertEquals(0, other.exitCode(), other.err());
    }

    @Test
    void aCutArchiveIsAnErrorNotAShortDisk() throws Exception {
        Path xva = archive("vm.xva.gz", Compression.GZIP, Checksum.XXHASH, false);
        byte[] t = Files.readAllBytes(xva);
        Files.write(xva, java.util.Arrays.copyOf(t, t.length * 2 / 3));
        Path target = tmp.resolve("v3sr");
        CliRun r = CliRun.of("migrate", "--sr", xva.toString(), "--vdi", "data", "--target-sr", target.toString(),
                "--state-dir", tmp.resolve("state").toString());
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("xva-truncated"), r.err());
        assertNoneComplete(target);
    }

    /** source VDI -> SHA-256 of each volume read back through its datapath; every one marked complete. */
    static Map<String, String> digestsIn(Path target) throws Exception {
        PluginRoot root = MigrateCommandTest.bundled();
        VolumePlugin plugin = root.volumePlugin("org.smapimigrate.dirvol");
        String sr = plugin.srAttach(Map.of("path", target.toString()));
        Map<String, String> out = new HashMap<>();
        for (Volume v : plugin.srLs(sr)) {
            assertEquals(VolumeKeys.COMPLETE, VolumeKeys.stateOf(v.keys()), v.describe());
            out.put(VolumeKeys.ours(v.keys()).get(VolumeKeys.SOURCE_VDI), MigrateCommandTest.sha256ThroughDatapath(root, plugin, sr,
                    v.key()));
        }
        return out;
    }

    static void assertNoneComplete(Path target) throws Exception {
        if (!Files.exists(target)) {
            return;
        }
        VolumePlugin plugin = MigrateCommandTest.bundled().volumePlugin("org.smapimigrate.dirvol");
        String sr = plugin.srAttach(Map.of("path", target.toString()));
        for (Volume v : plugin.srLs(sr)) {
            assertNotEquals(VolumeKeys.COMPLETE, VolumeKeys.stateOf(v.keys()), v.describe() + " looks imported");
        }
    }

    interface Run {
        CliRun run() throws Exception;
    }

    static synchronized CliRun withStdin(byte[] in, Run r) throws Exception {
        InputStream was = System.in;
        System.setIn(new ByteArrayInputStream(in));
        try {
            return r.run();
        } finally {
            System.setIn(was);
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
