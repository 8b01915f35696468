package org.smapimigrate.xapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.xapi.records.Vm;
import org.smapimigrate.xapi.records.XapiClass;
import org.smapimigrate.xapi.standin.StandIns;
import org.smapimigrate.xapi.standin.XapiStandIn;
import org.smapimigrate.xapi.transport.CertificateFingerprint;
import org.smapimigrate.xapi.transport.TlsTrust;

/**
 * The session life cycle against the XAPI stand-in (which models: login checked against its
 * accounts, HOST_IS_SLAVE from members, SESSION_INVALID for dead sessions, logout, injected errors
 * and dropped connections; see XapiStandIn).
 */
class XapiSessionTest {
    @TempDir
    Path dir;
    XapiStandIn xapi;
    XapiCredentials root;

    @BeforeEach
    void start() throws IOException {
        xapi = StandIns.pool(dir).start();
        root = XapiCredentials.resolve("root", null, Map.of(XapiCredentials.PASSWORD_ENV, StandIns.PASSWORD));
    }

    @AfterEach
    void stop() {
        xapi.close();
    }

    XapiEndpoint master() throws IOException {
        return XapiEndpoint.parse(xapi.url(), TlsTrust.caFile(StandIns.pki().poolCa().caPem()));
    }

    @Test
    void logsInReadsAndLogsOut() throws IOException {
        String vm = xapi.addVm("web-01", Map.of());
        try (XapiSession s = XapiSession.login(master(), root)) {
            assertEquals(1, xapi.db().all("session").size());
            Map<String, Vm> vms = new XapiRecords(s).all(XapiClass.VM);
            assertEquals("web-01", vms.get(vm).nameLabel());
            assertTrue(vms.get(vm).isHalted());
            JsonNode originator = s.call("session.get_originator", s.sessionRef());
            assertEquals(XapiSession.ORIGINATOR, originator.asText());
        }
        assertEquals(0, xapi.db().all("session").size(), "logout destroyed the session");
        assertEquals("session.logout", xapi.calls().get(xapi.calls().size() - 1));
    }

    @Test
    void wrongPasswordIsOneTypedLineWithoutThePassword() throws IOException {
        Path file = Files.writeString(dir.resolve("pw"), "not-the-password\n");
        XapiCredentials wrong = XapiCredentials.resolve("root", file, Map.of());
        XapiException e = assertThrows(XapiException.class, () -> XapiSession.login(master(), wrong));
        assertEquals("SESSION_AUTHENTICATION_FAILED", e.code());
        assertEquals(List.of("root", "Authentication failure"), e.params());
        assertEquals("session.login_with_password: XAPI error SESSION_AUTHENTICATION_FAILED [\"root\","
                + " \"Authentication failure\"]", e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"));
    }

    @Test
    void poolMemberRedirectsToTheMaster() throws IOException {
        XapiEndpoint member = XapiEndpoint.parse(xapi.memberUrl(0), TlsTrust.caFile(StandIns.pki().poolCa().caPem()));
        try (XapiSession s = XapiSession.login(member, root)) {
            assertEquals("https://127.0.0.1:" + xapi.port(), s.endpoint().toString());
            assertEquals(xapi.masterRef(), s.callForString("session.get_this_host", s.sessionRef()));
        }
        assertEquals(List.of("session.login_with_password", "session.login_with_password", "session.get_this_host",
                "session.logout"), xapi.calls());
    }

    @Test
    void expiredSessionLogsInAgainOnceAndRepeatsTheCall() throws IOException {
        String vm = xapi.addVm("db-01", Map.of());
        try (XapiSession s = XapiSession.login(master(), root)) {
            String first = s.sessionRef();
            xapi.expireAllSessions();
            assertEquals("db-01", new XapiRecords(s).get(XapiClass.VM, vm).nameLabel());
            assertFalse(first.equals(s.sessionRef()), "a new session");
            xapi.faults().expireSessionOnCall("VM.get_name_label", 1);
            assertEquals("db-01", s.callForString("VM.get_name_label", vm));
        }
        assertEquals(0, xapi.db().all("session").size());
    }

    @Test
    void sessionInvalidTwiceInARowIsReported() throws IOException {
        String vm = xapi.addVm("db-01", Map.of());
        try (XapiSession s = XapiSession.login(master(), root)) {
            xapi.faults().expireSessionOnCall("VM.get_name_label", 1).expireSessionOnCall("VM.get_name_label", 2);
            XapiException e = assertThrows(XapiException.class, () -> s.call("VM.get_name_label", vm));
            assertEquals("SESSION_INVALID", e.code());
        }
    }

    @Test
    void everyXapiErrorIsOneLineWithCodeAndParams() throws IOException {
        try (XapiSession s = XapiSession.login(master(), root)) {
            XapiException e = assertThrows(XapiException.class, () -> s.call("VM.get_record", "OpaqueRef:gone"));
            assertEquals("VM.get_record: XAPI error HANDLE_INVALID [\"VM\", \"OpaqueRef:gone\"]", e.getMessage());
            XapiException unknown = assertThrows(XapiException.class, () -> s.call("VM.no_such_message"));
            assertEquals("MESSAGE_METHOD_UNKNOWN", unknown.code());
            XapiException count = assertThrows(XapiException.class, () -> s.call("VM.get_record"));
            assertEquals(List.of("VM.get_record", "2", "1"), count.params());
            xapi.faults().failOnCall("VM.get_all", 2, "OPERATION_NOT_ALLOWED", "line one\nline two\u001b[31m");
            s.call("VM.get_all");
            XapiException injected = assertThrows(XapiException.class, () -> s.call("VM.get_all"));
            assertEquals("VM.get_all: XAPI error OPERATION_NOT_ALLOWED [\"line one\\nline two\\u001b[31m\"]",
                    injected.getMessage());
            assertFalse(injected.getMessage().contains("\n"));
            s.call("VM.get_all");
        }
    }

    @Test
    void aDroppedReadIsRetriedAndADroppedChangeIsReportedAsMaybeApplied() throws IOException {
        String vm = xapi.addVm("app", Map.of());
        try (XapiSession s = XapiSession.login(master(), root)) {
            xapi.faults().dropOnCall("VM.get_name_label", 1, false);
            assertEquals("app", s.callForString("VM.get_name_label", vm));
            xapi.faults().dropOnCall("VM.add_tags", 1, true);
            XapiConnectionException e = assertThrows(XapiConnectionException.class,
                    () -> s.call("VM.add_tags", vm, "blue"));
            assertTrue(e.mayHaveHappened());
            assertTrue(e.getMessage().startsWith("VM.add_tags: "), e.getMessage());
            assertTrue(e.getMessage().contains("re-read the state"), e.getMessage());
            assertEquals(List.of("blue"), new XapiRecords(s).get(XapiClass.VM, vm).tags(), "applied, answer lost");
        }
    }

    @Test
    void thePasswordNeverShowsInMessagesOrToString() throws IOException {
        try (XapiSession s = XapiSession.login(master(), root)) {
            assertFalse(s.toString().contains(StandIns.PASSWORD));
            assertFalse(root.toString().contains(StandIns.PASSWORD));
            // A server that echoes the password in an error: redacted before it reaches a message.
            xapi.faults().failOnCall("VM.get_all", 1, "INTERNAL_ERROR", "login with " + StandIns.PASSWORD + " failed");
            XapiException e = assertThrows(XapiException.class, () -> s.call("VM.get_all"));
            assertFalse(e.getMessage().contains(StandIns.PASSWORD), e.getMessage());
            assertTrue(e.getMessage().contains("login with *** failed"), e.getMessage());
        }
        XapiConnectionException refused = assertThrows(XapiConnectionException.class, () -> XapiSession.login(
                XapiEndpoint.https("127.0.0.1", xapi.port(), TlsTrust.pinned(CertificateFingerprint.parse("00".repeat(32)))),
                root));
        assertFalse(refused.getMessage().contains(StandIns.PASSWORD));
        assertFalse(xapi.dumpAll().toString().contains(StandIns.PASSWORD), "the stand-in kept no password");
    }

    @Test
    void passwordComesFromAFileOrTheEnvironmentOnly() throws IOException {
        IOException none = assertThrows(IOException.class, () -> XapiCredentials.resolve("root", null, Map.of()));
        assertTrue(none.getMessage().contains("--xapi-password-file") && none.getMessage().contains("XAPI_PASSWORD"));
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThrows(IOException.class, () -> XapiCredentials.resolve("root", empty, Map.of()));
        Path crlf = Files.writeString(dir.resolve("crlf"), StandIns.PASSWORD + "\r\n");
        try (XapiSession s = XapiSession.login(master(), XapiCredentials.resolve("root", crlf, Map.of()))) {
            assertTrue(s.sessionRef().startsWith("OpaqueRef:"));
        }
    }

    @Test
    void endpointsParseAndRefusePlainHttp() {
        assertEquals("https://pool.example:443", XapiEndpoint.parse("pool.example", TlsTrust.system()).toString());
        assertEquals("https://[fd00::1]:8443", XapiEndpoint.parse("https://[fd00::1]:8443/", TlsTrust.system()).toString());
        assertEquals("unix:/var/lib/xcp/xapi", XapiEndpoint.parse("unix:/var/lib/xcp/xapi", null).toString());
        assertThrows(IllegalArgumentException.class, () -> XapiEndpoint.parse("http://pool", TlsTrust.system()));
        assertThrows(IllegalArgumentException.class, () -> XapiEndpoint.parse("https://u:p@pool", TlsTrust.system()));
        XapiEndpoint e = XapiEndpoint.parse("https://pool:8443", TlsTrust.system());
        assertEquals("https://10.0.0.9:8443", e.withHost("10.0.0.9").toString());
        assertThrows(IllegalArgumentException.class, () -> e.withHost("evil/path?x"));
    }
}
