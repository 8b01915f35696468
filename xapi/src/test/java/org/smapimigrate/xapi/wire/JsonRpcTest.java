package org.smapimigrate.xapi.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smapimigrate.xapi.XapiException;
import org.smapimigrate.xapi.XapiProtocolException;

/**
 * Every response shape of xapi-integration.md section 1 ("Responses"), written out by hand from
 * the document, and the value encodings (ints beyond 2^53, datetimes, task results).
 */
class JsonRpcTest {
    static XapiException error(String body) {
        return assertThrows(XapiException.class, () -> JsonRpc.result("VM.start", body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsV1AndV2SuccessAndEveryErrorShape() throws Exception {
        assertEquals("OpaqueRef:1", JsonRpc.result("m", "{\"result\":\"OpaqueRef:1\",\"error\":null,\"id\":1}"
                .getBytes(StandardCharsets.UTF_8)).asText());
        assertEquals("", JsonRpc.result("m", "{\"jsonrpc\":\"2.0\",\"result\":\"\",\"id\":\"x\"}"
                .getBytes(StandardCharsets.UTF_8)).asText());
        XapiException v1 = error("{\"result\":null,\"error\":[\"VM_BAD_POWER_STATE\",\"OpaqueRef:v\",\"halted\",\"running\"],\"id\":3}");
        assertEquals("VM_BAD_POWER_STATE", v1.code());
        assertEquals(List.of("OpaqueRef:v", "halted", "running"), v1.params());
        XapiException v2 = error("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"HANDLE_INVALID\",\"data\":[\"VM\",\"OpaqueRef:x\"]},\"id\":4}");
        assertEquals("HANDLE_INVALID", v2.code());
        assertEquals(List.of("VM", "OpaqueRef:x"), v2.params());
        // Raised outside the dispatcher: v2 envelope, v1-style array, id 0 whatever was sent.
        XapiException odd = error("{\"jsonrpc\":\"2.0\",\"error\":[\"HOST_STILL_BOOTING\"],\"id\":0}");
        assertEquals("HOST_STILL_BOOTING", odd.code());
        assertEquals(List.of(), odd.params());
        XapiException numbers = error("{\"error\":[\"X\",12,true],\"id\":1}");
        assertEquals(List.of("12", "true"), numbers.params());
    }

    @Test
    void somethingElseIsAProtocolError() {
        for (String body : new String[] {"<html><body>500</body></html>", "[1,2]", "{\"id\":1}", "{\"error\":42,\"id\":1}"}) {
            assertThrows(XapiProtocolException.class, () -> JsonRpc.result("m", body.getBytes(StandardCharsets.UTF_8)),
                    body);
        }
    }

    @Test
    void bigIntegersStayExact() throws Exception {
        long big = (1L << 53) + 1;
        assertEquals(big, JsonRpc.result("m", ("{\"result\":" + big + ",\"id\":1}").getBytes(StandardCharsets.UTF_8))
                .longValue());
        String req = new String(new JsonRpc().request("VDI.resize", List.of("s", "v", big)), StandardCharsets.UTF_8);
        assertTrue(req.contains("\"params\":[\"s\",\"v\"," + big + "]"), req);
        assertTrue(req.startsWith("{\"jsonrpc\":\"2.0\",\"method\":\"VDI.resize\""), req);
        String map = new String(new JsonRpc().request("VBD.create", List.of("s", Map.of("bootable", true))),
                StandardCharsets.UTF_8);
        assertTrue(map.contains("{\"bootable\":true}"), map);
    }

    @Test
    void datetimesParseInEveryVariant() {
        Instant t = Instant.parse("2024-05-10T15:41:04Z");
        assertEquals(t, XapiDateTime.parse("20240510T15:41:04Z"));
        assertEquals(t, XapiDateTime.parse("20240510T154104Z"));
        assertEquals(t, XapiDateTime.parse("2024-05-10T15:41:04Z"));
        assertEquals(t, XapiDateTime.parse("20240510T15:41:04"));
        assertEquals(t.plusMillis(250), XapiDateTime.parse("20240510T15:41:04.250Z"));
        assertEquals(Instant.EPOCH, XapiDateTime.parse("19700101T00:00:00Z"));
        assertEquals("20240510T15:41:04Z", XapiDateTime.format(t));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> XapiDateTime.parse("yesterday"));
        assertTrue(e.getMessage().contains("\"yesterday\""));
        assertThrows(IllegalArgumentException.class, () -> XapiDateTime.parse("20241340T00:00:00Z"));
    }

    @Test
    void taskResultsAreUnwrappedFromXmlRpc() {
        assertEquals("OpaqueRef:abc", TaskResult.unwrap("<value>OpaqueRef:abc</value>"));
        assertEquals("a<b>&c\"'", TaskResult.unwrap("<value>a&lt;b&gt;&amp;c&quot;&apos;</value>"));
        assertEquals("x", TaskResult.unwrap("<value><string>x</string></value>"));
        assertEquals("", TaskResult.unwrap(""));
        assertEquals("", TaskResult.unwrap("<value/>"));
        assertEquals("plain", TaskResult.unwrap("plain"));
        assertEquals("é", TaskResult.unwrap("<value>&#233;</value>"));
        assertEquals("<value><!DOCTYPE x [<!ENTITY e \"boom\">]>&e;</value>",
                TaskResult.unwrap("<value><!DOCTYPE x [<!ENTITY e \"boom\">]>&e;</value>"), "no DTDs");
    }
}
