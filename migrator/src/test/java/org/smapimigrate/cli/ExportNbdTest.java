package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.nbd.NbdServerProcess;
import org.smapimigrate.nbd.ThirdPartyTool;
import org.smapimigrate.testing.Corpus;

/**
 * {@code export -o NBD_URI} judged by real NBD servers: nbdkit's checkwrite filter fails every
 * write that differs from the expected image, and qemu-nbd writes a qcow2 that qemu-img compares
 * with the expected raw. The expected raw is our file export, first proved equal to the manifest's
 * SHA-256.
 */
class ExportNbdTest {

    @TempDir
    static Path tmp;

    /** The user-visible VDIs of the corpus file SR. */
    private static List<JsonNode> userVdis() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode v : Corpus.manifest().get("file_sr").get("vdis")) {
            if (v.get("role").asText().equals("user") || v.get("role").asText().equals("raw")) {
                out.add(v);
            }
        }
        return out;
    }

    private static String srDir() {
        return Corpus.path(Corpus.manifest().get("file_sr").get("sr").get("path").asText()).toString();
    }

    /** Exports to a file and checks the manifest hash, so the file can serve as ground truth. */
    private static Path expectedRaw(JsonNode vdi) throws Exception {
        Path raw = tmp.resolve(vdi.get("uuid").asText() + ".expected.raw");
        if (!Files.exists(raw)) {
            CliRun r = CliRun.of("export", "-q", "--sr", srDir(), "--vdi", vdi.get("uuid").asText(), "-o", raw.toString());
            assertEquals(0, r.exitCode(), r.err());
            assertEquals(expectedSha(vdi), Corpus.sha256(raw), "expected image");
        }
        return raw;
    }

    private static String expectedSha(JsonNode vdi) {
        for (JsonNode e : Corpus.manifest().get("entries")) {
            if (vdi.get("uuid").asText().equals(e.path("vdi_uuid").asText())
                    && e.get("path").asText().equals(vdi.get("path").asText())) {
                return e.get("expected_sha256").asText();
            }
        }
        throw new AssertionError("no manifest entry for " + vdi);
    }

    @TestFactory
    List<DynamicTest> intoNbdkitCheckwrite() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : userVdis()) {
            String uuid = v.get("uuid").asText();
            tests.add(dynamicTest(uuid, () -> {
                Path expected = expectedRaw(v);
                Path dir = Files.createTempDirectory(tmp, "checkwrite");
                try (NbdServerProcess server = NbdServerProcess.nbdkit(dir, "--filter=checkwrite", "file",
                        expected.toString())) {
                    CliRun r = CliRun.of("export", "-q", "--sr", srDir(), "--vdi", uuid, "-o", server.uri());
                    assertEquals(0, r.exitCode(), r.err() + server.log());
                }
            }));
        }
        return tests;
    }

    @Test
    void checkwriteCatchesAWrongDisk() throws Exception {
        // Two 32 MiB VDIs with different contents: writing one where the other is expected must fail.
        List<JsonNode> vdis = userVdis().stream().filter(v -> v.get("virtual_size").asLong() == 32 << 20).toList();
        JsonNode a = vdis.stream().filter(v -> v.get("allocated_bytes").asLong() > 0).findFirst().orElseThrow();
        JsonNode b = vdis.stream().filter(v -> !v.equals(a)).findFirst().orElseThrow();
        Path dir = Files.createTempDirectory(tmp, "wrong");
        try (NbdServerProcess server = NbdServerProcess.nbdkit(dir, "--filter=checkwrite", "file",
                expectedRaw(b).toString())) {
            CliRun r = CliRun.of("export", "-q", "--sr", srDir(), "--vdi", a.get("uuid").asText(), "-o", server.uri());
            assertEquals(1, r.exitCode(), r.err());
            assertEquals(1, r.err().strip().split("\n").length, r.err());
            assertTrue(r.err().contains("EIO"), r.err());
        }
    }

    @TestFactory
    List<DynamicTest> intoQemuNbdQcow2() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : userVdis()) {
            String uuid = v.get("uuid").asText();
            tests.add(dynamicTest(uuid, () -> {
                Path expected = expectedRaw(v);
                Path dir = Files.createTempDirectory(tmp, "qcow2");
                Path img = dir.resolve("target.qcow2");
                ThirdPartyTool.QEMU_IMG.runOk("create", "-q", "-f", "qcow2", img.toString(),
                        Long.toString(v.get("virtual_size").asLong()));
                try (NbdServerProcess server = NbdServerProcess.qemuNbd(dir, "-f", "qcow2", img.toString())) {
                    CliRun r = CliRun.of("export", "-q", "--sr", srDir(), "--vdi", uuid, "-o", server.uri());
                    assertEquals(0, r.exitCode(), r.err() + server.log());
                }
                ThirdPartyTool.Result cmp = ThirdPartyTool.QEMU_IMG.run("compare", "-f", "raw", "-F", "qcow2",
                        expected.toString(), img.toString());
                assertEquals(0, cmp.exit(), cmp.stdout() + cmp.stderr());
                assertTrue(cmp.stdout().contains("Images are identical"), cmp.stdout());
            }));
        }
        return tests;
    }
}
