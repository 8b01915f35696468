package org.smapimigrate.xapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.xapi.standin.StandIns;
import org.smapimigrate.xapi.standin.TestCertificates;
import org.smapimigrate.xapi.standin.XapiStandIn;
import org.smapimigrate.xapi.transport.CertificateFingerprint;
import org.smapimigrate.xapi.transport.TlsTrust;
import org.smapimigrate.xapi.transport.UntrustedCertificateException;

/**
 * The pool's certificate: pinned by fingerprint or verified against a CA file, and an unknown one
 * refused with its fingerprint printed. Certificates and expected fingerprints come from openssl
 * (TestCertificates), not from our code.
 */
class XapiTlsTest {
    @TempDir
    Path dir;
    XapiStandIn xapi;
    XapiCredentials root;
    StandIns.Pki pki = StandIns.pki();

    @BeforeEach
    void start() throws IOException {
        xapi = StandIns.pool(dir).start();
        root = XapiCredentials.resolve("root", null, Map.of(XapiCredentials.PASSWORD_ENV, StandIns.PASSWORD));
    }

    @AfterEach
    void stop() {
        xapi.close();
    }

    @Test
    void theRightFingerprintIsAccepted() throws IOException {
        String fp = TestCertificates.opensslFingerprint(pki.master().certificatePem());
        TlsTrust pin = TlsTrust.pinned(CertificateFingerprint.parse("sha256 Fingerprint=" + fp));
        try (XapiSession s = XapiSession.login(XapiEndpoint.parse(xapi.url(), pin), root)) {
            assertTrue(s.sessionRef().startsWith("OpaqueRef:"));
        }
        // Lower case without colons works too, and the pin ignores the name in the certificate.
        TlsTrust plain = TlsTrust.pinned(CertificateFingerprint.parse(fp.replace(":", "").toLowerCase()));
        try (XapiSession s = XapiSession.login(XapiEndpoint.https("127.0.0.1", xapi.port(), plain), root)) {
            assertEquals(xapi.masterRef(), s.callForString("session.get_this_host", s.sessionRef()));
        }
    }

    @Test
    void aWrongFingerprintIsRefusedWithTheRealOnePrinted() throws IOException {
        String real = TestCertificates.opensslFingerprint(pki.master().certificatePem());
        String other = TestCertificates.opensslFingerprint(pki.member().certificatePem());
        TlsTrust pin = TlsTrust.pinned(CertificateFingerprint.parse(other));
        UntrustedCertificateException e = assertThrows(UntrustedCertificateException.class,
                () -> XapiSession.login(XapiEndpoint.parse(xapi.url(), pin), root));
        assertEquals(real, e.fingerprint().toString());
        assertTrue(e.getMessage().contains(real), e.getMessage());
        assertTrue(e.getMessage().contains("--xapi-fingerprint " + real), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(0, xapi.db().all("session").size(), "nothing was sent");
    }

    @Test
    void theCaFileVerifiesThePoolCertificate() throws IOException {
        try (XapiSession s = XapiSession.login(XapiEndpoint.parse(xapi.url(), TlsTrust.caFile(pki.poolCa().caPem())),
                root)) {
            assertTrue(s.sessionRef().startsWith("OpaqueRef:"));
        }
        String real = TestCertificates.opensslFingerprint(pki.master().certificatePem());
        UntrustedCertificateException e = assertThrows(UntrustedCertificateException.class, () -> XapiSession.login(
                XapiEndpoint.parse(xapi.url(), TlsTrust.caFile(pki.otherCa().caPem())), root));
        assertEquals(real, e.fingerprint().toString());
        assertTrue(e.getMessage().contains("does not verify against CA file"), e.getMessage());
    }

    @Test
    void theSystemTrustStoreRefusesAPoolCertificateWithItsFingerprint() throws IOException {
        UntrustedCertificateException e = assertThrows(UntrustedCertificateException.class,
                () -> XapiSession.login(XapiEndpoint.parse(xapi.url(), TlsTrust.system()), root));
        assertEquals(TestCertificates.opensslFingerprint(pki.master().certificatePem()), e.fingerprint().toString());
    }

    @Test
    void aSelfSignedCertificateCanBePinned() throws IOException {
        try (XapiStandIn selfSigned = XapiStandIn.builder().dataDir(dir.resolve("b")).account("root", StandIns.PASSWORD)
                .master(pki.selfSigned()).start()) {
            TlsTrust pin = TlsTrust.pinned(CertificateFingerprint.parse(
                    TestCertificates.opensslFingerprint(pki.selfSigned().certificatePem())));
            try (XapiSession s = XapiSession.login(XapiEndpoint.parse(selfSigned.url(), pin), root)) {
                assertTrue(s.sessionRef().startsWith("OpaqueRef:"));
                // host.get_server_certificate returns the PEM a person can pin from.
                String pem = s.callForString("host.get_server_certificate", selfSigned.masterRef());
                assertEquals(pki.selfSigned().pem(), pem);
            }
            assertThrows(UntrustedCertificateException.class, () -> XapiSession.login(
                    XapiEndpoint.parse(selfSigned.url(), TlsTrust.caFile(pki.poolCa().caPem())), root));
        }
    }

    @Test
    void aPinnedMemberVouchesForTheMastersCertificate() throws IOException {
        // Pinned to the member only: the HOST_IS_SLAVE answer carries the master's fingerprint
        // (x-xenapi-response-host-certificate-thumbprint), which the client then trusts.
        TlsTrust pin = TlsTrust.pinned(CertificateFingerprint.parse(
                TestCertificates.opensslFingerprint(pki.member().certificatePem())));
        try (XapiSession s = XapiSession.login(XapiEndpoint.parse(xapi.memberUrl(0), pin), root)) {
            assertEquals("https://127.0.0.1:" + xapi.port(), s.endpoint().toString());
        }
        TlsTrust onlyMember = TlsTrust.pinned(CertificateFingerprint.parse(
                TestCertificates.opensslFingerprint(pki.member().certificatePem())));
        assertThrows(UntrustedCertificateException.class,
                () -> XapiSession.login(XapiEndpoint.parse(xapi.url(), onlyMember), root));
    }

    @Test
    void fingerprintsParseInEveryCommonForm() {
        String hex = "ab".repeat(32);
        CertificateFingerprint f = CertificateFingerprint.parse(hex);
        assertEquals(f, CertificateFingerprint.parse("SHA256:" + hex.toUpperCase()));
        assertEquals(f, CertificateFingerprint.parse("sha-256:" + f));
        assertEquals(f, CertificateFingerprint.parse("SHA256 Fingerprint=" + f));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CertificateFingerprint.parse("abcd"));
        assertTrue(e.getMessage().contains("openssl x509"), e.getMessage());
    }
}
