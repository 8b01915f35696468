package org.smapimigrate.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.nbd.server.NbdExport;
import org.smapimigrate.nbd.server.ServerSettings;
import org.smapimigrate.nbd.tls.TlsCredentials;

/**
 * Our server with TLS required (FORCEDTLS): libnbd's nbdinfo/nbdcopy with tls-certificates=DIR
 * and qemu-img with --object tls-creds-x509 read the right bytes; a plain client is refused.
 */
class NbdServerTlsTest {
    private static final long SIZE = 24L << 20;
    private static ModelDisk model;
    private static String expectedSha;
    private static Path certs;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        model = ModelDisk.random(SIZE, 5);
        Path expected = dir.resolve("expected.raw");
        model.writeTo(expected);
        expectedSha = NbdServerPeersTest.sha256(expected);
        certs = TestCertificates.create(dir.resolve("pki"));
    }

    static ServedExport tlsServer(boolean unix, boolean verifyPeer) throws Exception {
        ServerSettings s = ServerSettings.of(List.of(new NbdExport("disk", "", model)))
                .withTls(TlsCredentials.server(certs, verifyPeer), verifyPeer);
        return ServedExport.start(unix ? UnixDomainSocketAddress.of(Files.createTempDirectory(dir, "u").resolve("s"))
                : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), s, "disk");
    }

    @Test
    void libnbdReadsOverTlsOnTcpAndUnixWithClientCertificatesChecked() throws Exception {
        for (boolean unix : new boolean[] {false, true}) {
            try (ServedExport s = tlsServer(unix, true)) {
                String uri = s.uri(true, "tls-certificates=" + certs);
                String json = ThirdPartyTool.NBDINFO.runOk("--json", uri).stdout();
                assertEquals(Long.toString(SIZE), NbdinfoOutput.jsonField(json, "export-size"));
                assertEquals(NbdServerPeersTest.modelMapOf(model),
                        NbdinfoOutput.map(ThirdPartyTool.NBDINFO.runOk("--map", uri).stdout()));
                Path out = dir.resolve("tls.raw");
                ThirdPartyTool.NBDCOPY.runOk(uri, out.toString());
                assertEquals(expectedSha, NbdServerPeersTest.sha256(out), unix ? "unix" : "tcp");
                Files.delete(out);
                assertTrue(s.ended.stream().allMatch(c -> c.tls()), s.ended.toString());
            }
        }
    }

    @Test
    void qemuImgReadsWithTlsCredsObject() throws Exception {
        try (ServedExport s = tlsServer(false, false)) {
            int port = ((InetSocketAddress) s.server.address()).getPort();
            Path out = dir.resolve("qemu-tls.raw");
            ThirdPartyTool.QEMU_IMG.runOk("convert", "--object",
                    "tls-creds-x509,id=tls0,endpoint=client,dir=" + certs, "--image-opts",
                    "driver=nbd,server.type=inet,server.host=127.0.0.1,server.port=" + port
                            + ",export=disk,tls-creds=tls0", "-O", "raw", out.toString());
            assertEquals(expectedSha, NbdServerPeersTest.sha256(out));
        }
    }

    @Test
    void plainClientsAreRefusedAndNothingIsServed() throws Exception {
        try (ServedExport s = tlsServer(false, false)) {
            ThirdPartyTool.Result r = ThirdPartyTool.NBDINFO.run(s.uri());
            assertNotEquals(0, r.exit(), r.stdout());
            // libnbd reports NBD_REP_ERR_TLS_REQD as "Operation not supported"; the exact reply
            // is checked byte by byte in ServerProtocolTest. Here: no export was ever served.
            awaitEnded(s, 1);
            assertTrue(s.ended.stream().allMatch(c -> c.export().isEmpty() && c.requests() == 0), s.ended.toString());
        }
    }

    static void awaitEnded(ServedExport s, int n) throws InterruptedException {
        for (int i = 0; i < 500 && s.ended.size() < n; i++) {
            Thread.sleep(10);
        }
        assertTrue(s.ended.size() >= n, "connections ended: " + s.ended);
    }

    @Test
    void withVerifyPeerAClientWithoutCertificateIsRefused() throws Exception {
        Path noClientCert = dir.resolve("ca-only");
        Files.createDirectories(noClientCert);
        Files.copy(certs.resolve("ca-cert.pem"), noClientCert.resolve("ca-cert.pem"));
        try (ServedExport s = tlsServer(false, true)) {
            ThirdPartyTool.Result r = ThirdPartyTool.NBDINFO.run(s.uri(true, "tls-certificates=" + noClientCert));
            assertNotEquals(0, r.exit(), r.stdout());
        }
    }
}
