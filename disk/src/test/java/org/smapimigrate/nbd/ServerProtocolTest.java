package org.smapimigrate.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.nbd.server.NbdExport;
import org.smapimigrate.nbd.server.ServerSettings;
import org.smapimigrate.nbd.tls.TlsCredentials;

/**
 * Our server against a hand-written client (RawClient, from docs/nbd-protocol.md): each reply
 * checked byte by byte, writes refused, hostile input answered with the protocol's error or a
 * closed connection, and the server still serving afterwards.
 */
class ServerProtocolTest {
    private static final long SIZE = 4L << 20;
    /** Data at [0, 64K), a hole at [64K, 1M), zeros at [1M, 2M), data to the end. */
    private static final ModelDisk DISK = new ModelDisk(SIZE, List.of(new Extent(0, 65536, ExtentKind.DATA),
            new Extent(65536, (1 << 20) - 65536, ExtentKind.UNALLOCATED),
            new Extent(1 << 20, 1 << 20, ExtentKind.ZERO), new Extent(2 << 20, 2 << 20, ExtentKind.DATA)));

    @TempDir
    static java.nio.file.Path dir;

    static ServedExport server(ServerSettings settings) throws Exception {
        return ServedExport.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), settings, "disk");
    }

    static ServerSettings plain() {
        return ServerSettings.of(List.of(new NbdExport("disk", "the test disk", DISK),
                new NbdExport("other", "", DISK)));
    }

    @Test
    void greetingListAndGoAsTheSpecSays() throws Exception {
        try (ServedExport s = server(plain()); RawClient c = new RawClient(s.server.address())) {
            assertEquals(3, c.greet(3), "FIXED_NEWSTYLE | NO_ZEROES");
            c.option(3, ByteBuffer.allocate(0));
            RawClient.Reply r1 = c.reply();
            assertEquals(2, r1.type(), "NBD_REP_SERVER");
            assertEquals(4, r1.data().getInt(0));
            assertEquals("disk", StandardCharsets.UTF_8.decode(r1.data().slice(4, 4)).toString());
            assertEquals(2, c.reply().type());
            assertEquals(1, c.reply().type(), "ACK ends LIST");
            RawClient.Reply unknown = c.go("nope");
            assertEquals(0x80000006, unknown.type(), "NBD_REP_ERR_UNKNOWN");
            RawClient.Reply policy = startTls(c);
            assertEquals(0x80000002, policy.type(), "STARTTLS without TLS configured: ERR_POLICY");
            c.option(11, ByteBuffer.allocate(0));
            assertEquals(0x80000001, c.reply().type(), "EXTENDED_HEADERS: ERR_UNSUP");
            c.option(9, ByteBuffer.allocate(0));
            assertEquals(0x80000003, c.reply().type(), "meta context before STRUCTURED_REPLY: ERR_INVALID");
            assertEquals(1, c.go("disk").type());
            // Simple replies: READ across data, hole and zeros gives the model's bytes.
            c.request(0, 0, 77, 65536 - 512, 4096);
            long[] r = c.simpleReply();
            assertEquals(0, r[0]);
            assertEquals(77, r[1]);
            ByteBuffer data = c.read(4096);
            for (int i = 0; i < 4096; i++) {
                long at = 65536 - 512 + i;
                assertEquals(at < 65536 ? ModelDisk.byteAt(at) : 0, data.get(i), "byte " + at);
            }
        }
    }

    private static RawClient.Reply startTls(RawClient c) throws IOException {
        c.option(5, ByteBuffer.allocate(0));
        return c.reply();
    }

    @Test
    void writesTrimAndZeroesGetEpermAndTheConnectionGoesOn() throws Exception {
        try (ServedExport s = server(plain()); RawClient c = new RawClient(s.server.address())) {
            c.greet(3);
            assertEquals(1, c.go("disk").type());
            c.request(0, 1, 1, 0, 4096);
            c.send(ByteBuffer.allocate(4096));
            assertEquals(1, c.simpleReply()[0], "WRITE: EPERM");
            c.request(0, 4, 2, 0, 4096);
            assertEquals(1, c.simpleReply()[0], "TRIM: EPERM");
            c.request(0, 6, 3, 0, 4096);
            assertEquals(1, c.simpleReply()[0], "WRITE_ZEROES: EPERM");
            c.request(0, 0, 4, SIZE - 512, 1024);
            assertEquals(22, c.simpleReply()[0], "READ past the end: EINVAL");
            c.request(0, 42, 5, 0, 512);
            assertEquals(22, c.simpleReply()[0], "unknown command: EINVAL");
            c.request(0, 0, 6, 0, 512);
            assertEquals(0, c.simpleReply()[0]);
            c.read(512);
            c.request(0, 2, 7, 0, 0);
            assertTrue(c.closedByServer(), "DISC closes");
        }
        // And through our own client, which must refuse a write to a read-only export clearly.
        try (ServedExport s = server(plain()); NbdClient client = NbdClient.connect(s.uri())) {
            assertTrue(client.export().flags().readOnly());
            NbdException e = assertThrows(NbdException.class, () -> client.write(ByteBuffer.allocate(512), 0));
            assertEquals(NbdException.READ_ONLY, e.errorName());
        }
    }

    @Test
    void hostileInputClosesOnlyThatConnection() throws Exception {
        ServerSettings quick = plain().withLimits(8, Duration.ofSeconds(1), Duration.ofSeconds(2));
        try (ServedExport s = server(quick)) {
            try (RawClient c = new RawClient(s.server.address())) {
                c.greet(3);
                c.option(7, 0xfffffff0L);
                assertEquals(0x80000009, c.reply().type(), "oversized option: ERR_TOO_BIG");
                assertTrue(c.closedByServer());
            }
            try (RawClient c = new RawClient(s.server.address())) {
                c.greet(0x80);
                assertTrue(c.closedByServer(), "unknown client flags close the connection");
            }
            try (RawClient c = new RawClient(s.server.address())) {
                c.greet(3);
                c.send(ByteBuffer.allocate(16).putLong(0x1234).putInt(7).putInt(0).flip());
                assertTrue(c.closedByServer(), "bad option magic closes");
            }
            try (RawClient c = new RawClient(s.server.address())) {
                c.greet(3);
                assertEquals(1, c.go("disk").type());
                c.request(0, 1, 1, 0, 64L << 20);
                assertTrue(c.closedByServer(), "a WRITE larger than the maximum is not read: closed");
            }
            long start = System.nanoTime();
            try (RawClient c = new RawClient(s.server.address())) {
                c.greet(3); // then stall
                assertTrue(c.closedByServer(), "a stalled handshake is dropped");
                assertTrue(System.nanoTime() - start < 10_000_000_000L);
            }
            try (RawClient c = new RawClient(s.server.address())) {
                c.greet(3);
                assertEquals(1, c.go("disk").type());
                // Ask for 32 MiB... of a 4 MiB disk is EINVAL; ask for all 4 MiB and never read it.
                c.request(0, 0, 1, 0, SIZE);
                c.request(0, 0, 2, 0, SIZE);
                c.request(0, 0, 3, 0, SIZE);
                // Leave without reading: the server's write fails or stalls, then the connection goes.
            }
            awaitIdle(s);
            // The server still serves a well-behaved client with the right bytes.
            try (NbdDisk d = NbdDisk.open(s.uri(), null)) {
                ByteBuffer b = ByteBuffer.allocate(512);
                d.read(b, (2 << 20) + 100);
                assertEquals(ModelDisk.byteAt((2 << 20) + 100), b.get(0));
            }
            awaitIdle(s);
            assertTrue(s.ended.stream().filter(c -> !c.clean()).count() >= 5, s.ended.toString());
        }
    }

    @Test
    void onceStopsWhenTheFirstClientsAreDone() throws Exception {
        try (ServedExport s = server(plain().withOnce(true))) {
            ThirdPartyTool.Result r = ThirdPartyTool.NBDINFO.runOk("--size", s.uri());
            assertEquals(Long.toString(SIZE), r.stdout().strip());
            Thread t = new Thread(() -> {
                try {
                    s.server.awaitTermination();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            t.join(5000);
            assertTrue(!t.isAlive(), "the server stopped after its client left");
            assertThrows(IOException.class, () -> new RawClient(s.server.address()).close(), "no longer listening");
        }
    }

    static void awaitIdle(ServedExport s) throws InterruptedException {
        for (int i = 0; i < 500 && s.server.activeConnections() > 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(0, s.server.activeConnections(), "connections left: " + s.ended);
    }

    @Test
    void tlsRequiredRefusesEverythingButStartTlsAndAbort() throws Exception {
        java.nio.file.Path certs = TestCertificates.create(dir.resolve("pki"));
        ServerSettings tls = plain().withTls(TlsCredentials.server(certs, false), false);
        try (ServedExport s = server(tls); RawClient c = new RawClient(s.server.address())) {
            c.greet(3);
            RawClient.Reply go = c.go("disk");
            assertEquals(0x80000005, go.type(), "GO before TLS: ERR_TLS_REQD");
            c.option(3, ByteBuffer.allocate(0));
            assertEquals(0x80000005, c.reply().type(), "LIST before TLS: ERR_TLS_REQD");
            c.option(2, ByteBuffer.allocate(0));
            assertEquals(1, c.reply().type(), "ABORT: ACK");
        }
        try (ServedExport s = server(tls); RawClient c = new RawClient(s.server.address())) {
            c.greet(3);
            c.option(1, ByteBuffer.wrap("disk".getBytes(StandardCharsets.UTF_8)));
            assertTrue(c.closedByServer(), "EXPORT_NAME before TLS: disconnect");
        }
        // Through TLS: a second STARTTLS is ERR_INVALID; our client reads over TLS.
        try (ServedExport s = server(tls); NbdDisk d = NbdDisk.open(s.uri(true, ""), certs)) {
            ByteBuffer b = ByteBuffer.allocate(4096);
            d.read(b, 0);
            assertEquals(ModelDisk.byteAt(4095), b.get(4095));
            assertEquals(List.of(new Extent(0, 65536, ExtentKind.DATA), new Extent(65536, (1 << 20) - 65536,
                    ExtentKind.UNALLOCATED), new Extent(1 << 20, 1 << 20, ExtentKind.ZERO),
                    new Extent(2 << 20, 2 << 20, ExtentKind.DATA)), d.extents(0, SIZE));
        }
    }
}
