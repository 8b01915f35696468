package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.nbd.NbdServerProcess;
import org.smapimigrate.nbd.TestCertificates;
import org.smapimigrate.testing.Corpus;

/**
 * {@code smapi-migrate export NBD_URI}: an NBD export as the source. From qemu-nbd serving a
 * corpus VHD (qemu reads a dynamic VHD exactly), and from our own serve over TLS; the output
 * must have the manifest's SHA-256.
 */
class ExportFromNbdTest {
    @TempDir
    Path dir;

    private static JsonNode entry(String id) {
        for (JsonNode e : Corpus.manifest().get("entries")) {
            if (e.get("id").asText().equals(id)) {
                return e;
            }
        }
        throw new AssertionError("no manifest entry " + id);
    }

    @Test
    void fromQemuNbd() throws Exception {
        JsonNode e = entry("dialects/qemu-dynamic");
        Path vhd = Corpus.path(e.get("path").asText());
        try (NbdServerProcess q = NbdServerProcess.qemuNbd(dir, "-r", "-f", "vpc", "-x", "disk", vhd.toString())) {
            Path out = dir.resolve("out.raw");
            CliRun r = CliRun.of("export", "-q", q.uri("disk"), "-o", out.toString());
            assertEquals(0, r.exitCode(), r.err());
            assertEquals(e.get("expected_sha256").asText(), Corpus.sha256(out));
        }
    }

    @Test
    void fromServeOverTls() throws Exception {
        JsonNode e = entry("file-sr/deep-chain/08b6dcc8-7e65-4fbf-b7e6-d95ae7e1b529.vhd");
        Path vhd = Corpus.path(e.get("path").asText());
        Path certs = TestCertificates.create(dir.resolve("pki"));
        try (ServeProcess serve = ServeProcess.start(dir, 1, "--sr", vhd.getParent().toString(), "--vdi",
                e.get("vdi_uuid").asText(), "--listen", "127.0.0.1:0", "--tls-certs", certs.toString())) {
            String uri = serve.uris.get(0);
            assertTrue(uri.startsWith("nbds://127.0.0.1:"), uri);
            Path out = dir.resolve("tls.raw");
            CliRun r = CliRun.of("export", "-q", uri, "--tls-certs", certs.toString(), "-o", out.toString());
            assertEquals(0, r.exitCode(), r.err());
            assertEquals(e.get("expected_sha256").asText(), Corpus.sha256(out));
            CliRun noCerts = CliRun.of("export", "-q", uri, "-o", dir.resolve("x.raw").toString());
            assertEquals(1, noCerts.exitCode());
            assertTrue(noCerts.err().strip().lines().count() == 1 && noCerts.err().contains("--tls-certs"), noCerts.err());
            assertTrue(!Files.exists(dir.resolve("x.raw")));
        }
    }
}
