package org.smapimigrate.xapi.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.xapi.XapiConnectionException;
import org.smapimigrate.xapi.XapiCredentials;
import org.smapimigrate.xapi.XapiEndpoint;
import org.smapimigrate.xapi.XapiRecords;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.XapiTasks;
import org.smapimigrate.xapi.records.XapiClass;
import org.smapimigrate.xapi.standin.StandIns;
import org.smapimigrate.xapi.standin.XapiStandIn;
import org.smapimigrate.xapi.transfer.TransferProgress;
import org.smapimigrate.xapi.transfer.VdiTransfer;

/**
 * dom0's Unix socket: the stand-in serves the same API on a Unix socket with its own small HTTP/1.1
 * server, answering JSON-RPC with chunked coding (trailers and chunk extensions included) and the
 * disk export delimited by closing the connection, as XAPI does. No password is checked there.
 */
class UnixSocketTransportTest {
    @TempDir
    Path dir;
    XapiStandIn xapi;
    Path socket;

    @BeforeEach
    void start() throws IOException {
        socket = dir.resolve("xapi");
        xapi = StandIns.pool(dir).unixSocket(socket).start();
    }

    @AfterEach
    void stop() {
        xapi.close();
    }

    @Test
    void localRootLogsInWithoutAPasswordAndCallsTheApi() throws IOException {
        String vm = xapi.addVm("web", Map.of());
        XapiEndpoint local = XapiEndpoint.parse("unix:" + socket, null);
        try (XapiSession s = XapiSession.login(local, XapiCredentials.localRoot())) {
            assertTrue(xapi.db().get("session", s.sessionRef()).path("is_local_superuser").asBoolean());
            assertEquals("web", new XapiRecords(s).all(XapiClass.VM).get(vm).nameLabel());
            assertEquals(3, new XapiRecords(s).all(XapiClass.VM).size(), "web and two control domains");
        }
        assertEquals(0, xapi.db().all("session").size());
    }

    @Test
    void disksMoveOverTheSocketBothWays() throws IOException {
        String sr = xapi.addSr("ext", "local", Map.of("device", "/dev/sdb"), Map.of());
        byte[] data = new byte[3 << 20];
        new Random(7).nextBytes(data);
        Path src = Files.write(dir.resolve("src.raw"), data);
        String vdi = xapi.addVdi(sr, "d", data.length, src, Map.of());
        String copy = xapi.addVdi(sr, "c", data.length, null, Map.of());
        try (XapiSession s = XapiSession.login(XapiEndpoint.unixSocket(socket), XapiCredentials.localRoot())) {
            VdiTransfer t = new VdiTransfer(s, new XapiTasks(s));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(data.length, t.exportRaw(vdi, null, out, data.length, TransferProgress.NONE));
            assertArrayEquals(sha(data), sha(out.toByteArray()));
            t.importRaw(copy, new BodySource() {
                @Override
                public long length() {
                    return data.length;
                }

                @Override
                public InputStream open() {
                    return new ByteArrayInputStream(data);
                }
            }, TransferProgress.NONE);
            assertArrayEquals(sha(data), sha(Files.readAllBytes(xapi.vdiData(copy))));
        }
    }

    @Test
    void aDroppedConnectionAndAMissingSocketAreTypedErrors() throws IOException {
        String vm = xapi.addVm("web", Map.of());
        try (XapiSession s = XapiSession.login(XapiEndpoint.unixSocket(socket), XapiCredentials.localRoot())) {
            xapi.faults().dropOnCall("VM.get_name_label", 1, false);
            assertEquals("web", s.callForString("VM.get_name_label", vm), "a read is retried once");
            xapi.faults().dropOnCall("VM.set_name_label", 1, false);
            XapiConnectionException e = assertThrows(XapiConnectionException.class,
                    () -> s.call("VM.set_name_label", vm, "x"));
            assertTrue(e.mayHaveHappened());
        }
        XapiConnectionException missing = assertThrows(XapiConnectionException.class, () -> XapiSession.login(
                XapiEndpoint.unixSocket(dir.resolve("nothing-here")), XapiCredentials.localRoot()));
        assertFalse(missing.mayHaveHappened());
        assertTrue(missing.getMessage().contains("is this dom0"), missing.getMessage());
    }

    @Test
    void theHttpReaderRefusesBrokenAnswers() {
        assertThrows(IOException.class, () -> read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"));
        assertThrows(IOException.class, () -> read("SSH-2.0-OpenSSH\r\n\r\n"));
        assertThrows(IOException.class, () -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
        assertThrows(IOException.class, () -> read("HTTP/1.1 200 OK\r\nX: " + "a".repeat(70_000) + "\r\n\r\n"));
    }

    @Test
    void theHttpReaderDecodesChunksAndReadsToTheEndWithoutALength() throws IOException {
        assertEquals("hello world", read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;a=b\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n"));
        assertEquals("to the end", read("HTTP/1.0 200 OK\r\nTask-id: OpaqueRef:t\r\n\r\nto the end"));
        assertEquals("abc", read("HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabcdef"));
    }

    private static String read(String wire) throws IOException {
        HttpReply r = Http11Reader.read(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)), "test");
        return new String(r.body().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private static byte[] sha(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
