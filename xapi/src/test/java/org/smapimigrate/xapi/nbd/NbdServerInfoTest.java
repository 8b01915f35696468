package org.smapimigrate.xapi.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.smapimigrate.xapi.XapiProtocolException;
import org.smapimigrate.xapi.standin.StandIns;

/**
 * get_nbd_info entries (xapi-integration.md section 4 "NBD") are checked field by field before
 * use, and no message, nor {@code toString()}, ever shows the export name, which holds a session.
 * The certificate is one openssl made (the stand-in's master).
 */
class NbdServerInfoTest {
    static final String UUID = "0f3c7a52-8d7e-4c1b-9a51-3f2de0c4b6a1";
    static final String SECRET = "OpaqueRef:7d1f2a8e-secret-session";

    private static ObjectNode good() throws Exception {
        ObjectNode e = new ObjectMapper().createObjectNode();
        e.put("exportname", "/" + UUID + "?session_id=" + SECRET);
        e.put("address", "192.0.2.10");
        e.put("port", 10809);
        e.put("cert", Files.readString(StandIns.pki().master().certificatePem()));
        e.put("subject", "host1.example.org");
        return e;
    }

    private static String refused(Consumer<ObjectNode> change) throws Exception {
        ObjectNode e = good();
        change.accept(e);
        ArrayNode set = new ObjectMapper().createArrayNode().add(e);
        XapiProtocolException x = assertThrows(XapiProtocolException.class, () -> NbdServerInfo.readAll(set, UUID));
        assertFalse(x.getMessage().contains(SECRET), x.getMessage());
        assertFalse(x.getMessage().contains("\n"), x.getMessage());
        assertTrue(x.getMessage().startsWith("VDI.get_nbd_info(" + UUID + ") entry 0: "), x.getMessage());
        return x.getMessage();
    }

    @Test
    void aGoodEntryIsReadAndNeverShowsItsExportName() throws Exception {
        NbdServerInfo i = NbdServerInfo.readAll(new ObjectMapper().createArrayNode().add(good()), UUID).get(0);
        assertEquals("192.0.2.10", i.address());
        assertEquals(10809, i.port());
        assertEquals("host1.example.org", i.subject());
        assertFalse(i.toString().contains(SECRET), i.toString());
        ObjectNode v6 = good();
        v6.put("address", "2001:db8::7");
        v6.put("port", "10809");
        v6.put("subject", "*.pool.example.org");
        assertEquals("2001:db8::7", NbdServerInfo.readAll(new ObjectMapper().createArrayNode().add(v6), UUID).get(0).address());
        assertTrue(NbdServerInfo.readAll(new ObjectMapper().createArrayNode(), UUID).isEmpty(), "no NBD network: empty");
    }

    @Test
    void hostileEntriesAreRefusedByField() throws Exception {
        assertTrue(refused(e -> e.put("address", "evil host; rm -rf /")).contains("address"));
        assertTrue(refused(e -> e.put("address", "a\u001b[31m")).contains("\\u001b"), "escaped");
        assertTrue(refused(e -> e.put("port", 0)).contains("port 0 is outside"));
        assertTrue(refused(e -> e.put("port", 70000)).contains("port 70000"));
        assertTrue(refused(e -> e.put("port", "80; x")).contains("port is not an integer"));
        assertTrue(refused(e -> e.remove("cert")).contains("field cert is missing"));
        assertTrue(refused(e -> e.put("cert", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
                .contains("not a PEM X.509 certificate"));
        assertTrue(refused(e -> e.put("cert", e.get("cert").asText() + e.get("cert").asText()))
                .contains("holds 2 certificates"));
        assertTrue(refused(e -> e.put("subject", "host name with spaces")).contains("not a DNS name"));
        assertTrue(refused(e -> e.put("exportname", "/11111111-2222-3333-4444-555555555555?session_id=" + SECRET))
                .contains("holds a session"), "an export of another VDI");
        assertTrue(refused(e -> e.put("exportname", "/" + UUID + "?session_id=" + SECRET + "\n")).contains("not shown"));
        assertThrows(XapiProtocolException.class, () -> NbdServerInfo.readAll(new ObjectMapper().createObjectNode(), UUID));
    }
}
