package org.smapimigrate.nbd;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** URI forms from NetworkBlockDevice/nbd doc/uri.md (its export-name table) and qemu's legacy syntax. */
class NbdUriTest {

    @Test
    void exportNamesFollowTheSpecTable() throws Exception {
        // uri.md "NBD URI export name".
        assertEquals("disk", NbdUri.parse("nbd://example.com/disk").exportName());
        assertEquals("disk", NbdUri.parse("nbd+unix:///disk?socket=sock").exportName());
        assertEquals("", NbdUri.parse("nbd://example.com/").exportName());
        assertEquals("", NbdUri.parse("nbd://example.com").exportName());
        assertEquals("/disk", NbdUri.parse("nbd://example.com//disk").exportName());
        assertEquals("hello world", NbdUri.parse("nbd://example.com/hello%20world").exportName());
    }

    @Test
    void tcpHostAndPort() throws Exception {
        NbdUri u = NbdUri.parse("nbd://example.com/disk");
        assertFalse(u.isUnix());
        assertFalse(u.tls());
        assertEquals("example.com", u.host());
        assertEquals(10809, u.port());
        NbdUri p = NbdUri.parse("nbd://127.0.0.1:12345/x");
        assertEquals("127.0.0.1", p.host());
        assertEquals(12345, p.port());
        NbdUri v6 = NbdUri.parse("nbd://[::1]:2000/x");
        assertEquals("::1", v6.host());
        assertEquals(2000, v6.port());
        assertEquals(10809, NbdUri.parse("nbd://[fe80::1]/x").port());
    }

    @Test
    void unixSocketsTakeTheSocketParameter() throws Exception {
        NbdUri u = NbdUri.parse("nbd+unix:///disk?socket=/tmp/my%20s.sock");
        assertTrue(u.isUnix());
        assertEquals(Path.of("/tmp/my s.sock"), u.socket());
        assertEquals("disk", u.exportName());
        assertEquals(-1, u.port());
        // A percent-encoded XAPI export name: / ? = : all survive.
        NbdUri x = NbdUri.parse("nbd+unix:///%2Fuuid%3Fsession_id%3DOpaqueRef%3Aabc?socket=/s");
        assertEquals("/uuid?session_id=OpaqueRef:abc", x.exportName());
    }

    @Test
    void qemuLegacySyntaxAsXapiReturnsIt() throws Exception {
        NbdUri u = NbdUri.parse("nbd:unix:/var/run/qemu-dp/qemu-nbd.1234:exportname=qemu_node");
        assertTrue(u.isUnix());
        assertEquals(Path.of("/var/run/qemu-dp/qemu-nbd.1234"), u.socket());
        assertEquals("qemu_node", u.exportName());
        assertEquals("", NbdUri.parse("nbd:unix:/s").exportName());
        NbdUri t = NbdUri.parse("nbd:10.0.0.1:10810:exportname=disk");
        assertEquals("10.0.0.1", t.host());
        assertEquals(10810, t.port());
        assertEquals("disk", t.exportName());
        assertEquals(10809, NbdUri.parse("nbd:host").port());
    }

    @Test
    void tlsSchemesParseAndConnectingWithoutCertificatesSaysWhatToGive() throws Exception {
        assertTrue(NbdUri.parse("nbds://h/x").tls());
        NbdUri u = NbdUri.parse("nbds+unix:///x?socket=/s&tls-certificates=/etc/pki&tls-hostname=srv&tls-verify-peer=false");
        assertTrue(u.tls());
        assertEquals("/etc/pki", u.tlsCertificates());
        assertEquals("srv", u.tlsHostname());
        assertEquals(false, u.tlsVerifyPeer());
        NbdException e = assertThrows(NbdException.class, () -> NbdClient.connect("nbds+unix:///x?socket=/nonexistent"));
        assertEquals(NbdException.TLS_NOT_SUPPORTED, e.errorName());
        assertTrue(e.getMessage().contains("--tls-certs DIR"), e.getMessage());
    }

    @Test
    void badUrisSayWhatIsWrong() {
        assertBad("http://h/x", "unknown scheme 'http'");
        assertBad("nbd+unix:///x", "missing ?socket=PATH");
        assertBad("nbd://h:99999/x", "port '99999'");
        assertBad("nbd://h:abc/x", "port 'abc'");
        assertBad("nbd://h/x?socket=/s", "'socket' belongs to nbd+unix");
        assertBad("nbd://h/x?frobnicate=1", "unknown query parameter 'frobnicate'");
        assertBad("nbd://h/a%2", "bad percent-escape");
        assertBad("nbd://h/a#b", "%23");
        assertBad("nbd+unix://host/x?socket=/s", "has no host");
        assertBad("nbd:unix:", "missing socket path");
        assertBad("disk.raw", "not an NBD URI");
        assertBad("nbd+vsock:///x", "vsock");
    }

    @Test
    void sessionReferencesNeverReachMessages() {
        NbdException e = assertThrows(NbdException.class,
                () -> NbdUri.parse("nbd://h:0/%2Fuuid%3Fsession_id%3DOpaqueRef%3Asecret"));
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
        assertTrue(e.getMessage().contains("<redacted>"), e.getMessage());
    }

    @Test
    void connectionRefusedNamesTheSocket() {
        NbdException e = assertThrows(NbdException.class,
                () -> NbdClient.connect("nbd+unix:///x?socket=/nonexistent/nbd.sock"));
        assertEquals(NbdException.CONNECT_FAILED, e.errorName());
        assertTrue(e.getMessage().contains("/nonexistent/nbd.sock"), e.getMessage());
    }

    private static void assertBad(String uri, String expectedFragment) {
        NbdException e = assertThrows(NbdException.class, () -> NbdUri.parse(uri), uri);
        assertEquals(NbdException.BAD_URI, e.errorName(), uri);
        assertTrue(e.getMessage().contains(expectedFragment), uri + " -> " + e.getMessage());
    }
}
