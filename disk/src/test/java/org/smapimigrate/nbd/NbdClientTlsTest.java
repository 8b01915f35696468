package org.smapimigrate.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.CopyStats;
import org.smapimigrate.disk.DiskCopy;
import org.smapimigrate.disk.FileSink;

/**
 * Our client (as the NBD source, {@link NbdDisk}) reading real servers: qemu-nbd and nbdkit with
 * TLS required, nbdkit set up as the xapi-nbd subset (TLS, no structured replies, no
 * multi-conn through the multi-conn filter, as nbdkit 1.32 has no --no-mc; handshake flags 1 so EXPORT_NAME is followed by 124 zero bytes) and as the
 * tapdisk subset (2 MiB maximum payload enforced with blocksize-policy error, no structured
 * replies, no flush/trim/zero). What nbdkit cannot emulate of xapi-nbd (GO and INFO answered
 * ERR_UNSUP, so the client falls back to EXPORT_NAME) is covered by the stand-in in
 * ScriptedServerTest, written from docs/nbd-protocol.md §5.
 */
class NbdClientTlsTest {
    private static final long SIZE = 20L << 20;
    private static ModelDisk model;
    private static Path image;
    private static String expectedSha;
    private static Path certs;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        model = ModelDisk.random(SIZE, 9);
        image = dir.resolve("image.raw");
        model.writeTo(image);
        expectedSha = NbdServerPeersTest.sha256(image);
        certs = TestCertificates.create(dir.resolve("pki"));
    }

    /** Copies the export through our NBD source into a file and checks the bytes and what was read. */
    private static CopyStats copyAndCheck(String uri, Path tlsDir) throws Exception {
        Path out = Files.createTempFile(dir, "copy", ".raw");
        CopyStats stats;
        try (NbdDisk disk = NbdDisk.open(uri, tlsDir); FileSink sink = FileSink.createSparse(out, disk.size())) {
            assertEquals(SIZE, disk.size());
            stats = DiskCopy.standard().copy(disk, sink, null);
            sink.flush();
        }
        assertEquals(expectedSha, NbdServerPeersTest.sha256(out), uri);
        Files.delete(out);
        return stats;
    }

    @Test
    void qemuNbdWithTlsCredsX509() throws Exception {
        Path d = Files.createTempDirectory(dir, "q");
        try (NbdServerProcess q = NbdServerProcess.qemuNbd(d, "--object",
                "tls-creds-x509,id=tls0,endpoint=server,dir=" + certs + ",verify-peer=off", "--tls-creds", "tls0",
                "-r", "-f", "raw", "-x", "disk", image.toString())) {
            String uri = "nbds+unix:///disk?socket=" + q.socket();
            CopyStats s = copyAndCheck(uri, certs);
            assertTrue(s.readBytes() <= model.allocatedBytes() + (4 << 20),
                    "block status used: read " + s.readBytes() + " of " + SIZE);
            NbdException plain = assertThrows(NbdException.class, () -> NbdDisk.open(q.uri("disk"), null));
            assertEquals("NBD_REP_ERR_TLS_REQD", plain.errorName(), plain.getMessage());
            assertTrue(plain.getMessage().contains("nbds://"), plain.getMessage());
        }
    }

    @Test
    void nbdkitTlsRequireOverTcpWithClientCertificateVerified() throws Exception {
        Path d = Files.createTempDirectory(dir, "k");
        try (NbdServerProcess k = NbdServerProcess.nbdkitTcp(d, "--tls=require", "--tls-certificates=" + certs,
                "--tls-verify-peer", "-r", "file", image.toString())) {
            String uri = k.uri().replaceFirst("^nbd:", "nbds:");
            copyAndCheck(uri + "?tls-certificates=" + certs, null);
            // A CA that did not sign the server's certificate: the handshake fails, clearly.
            Path other = TestCertificates.create(dir.resolve("other-pki"));
            NbdException e = assertThrows(NbdException.class, () -> NbdDisk.open(uri, other));
            assertEquals(NbdException.TLS_FAILED, e.errorName(), e.getMessage());
        }
    }

    @Test
    void xapiNbdSubsetTlsNoStructuredRepliesNoMultiConnPaddedExportName() throws Exception {
        Path d = Files.createTempDirectory(dir, "x");
        try (NbdServerProcess k = NbdServerProcess.nbdkitTcp(d, "--tls=require", "--tls-certificates=" + certs,
                "--no-sr", "--mask-handshake=1", "-r", "--filter=multi-conn", "file", image.toString(),
                "multi-conn-mode=disable")) {
            String uri = k.uri().replaceFirst("^nbd:", "nbds:");
            try (NbdDisk disk = NbdDisk.open(uri, certs)) {
                assertFalse(disk.export().structuredReplies());
                assertFalse(disk.export().canBlockStatus());
                assertFalse(disk.export().flags().canMultiConn());
            }
            CopyStats s = copyAndCheck(uri, certs);
            assertEquals(SIZE, s.readBytes(), "without block status every byte is read");
        }
    }

    @Test
    void tapdiskSubsetTwoMibRequestsAndNothingButReads() throws Exception {
        Path d = Files.createTempDirectory(dir, "t");
        Path log = d.resolve("requests.log");
        try (NbdServerProcess k = NbdServerProcess.nbdkit(d, "--no-sr", "-r", "--filter=blocksize-policy",
                "--filter=log", "file", image.toString(), "logfile=" + log, "blocksize-minimum=1",
                "blocksize-preferred=4096", "blocksize-maximum=2097152", "blocksize-error-policy=error")) {
            copyAndCheck(k.uri(), null);
        }
        String requests = Files.readString(log);
        assertTrue(requests.contains("Read "), requests);
        for (String line : requests.split("\n")) {
            assertFalse(line.contains("Flush") || line.contains("Trim") || line.contains("Zero")
                    || line.contains("Write"), "tapdisk dies on these: " + line);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("count=0x([0-9a-f]+)").matcher(line);
            if (line.contains("Read") && m.find()) {
                assertTrue(Long.parseLong(m.group(1), 16) <= 2 << 20, line);
            }
        }
    }
}
