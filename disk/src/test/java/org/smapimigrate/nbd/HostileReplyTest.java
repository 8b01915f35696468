package org.smapimigrate.nbd;

import static org.junit.jupiter.api.Assertions.*;
import static org.smapimigrate.nbd.NbdProtocol.*;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken servers: every reply that breaks proto.md fails the request with a PROTOCOL_ERROR naming
 * what was wrong, drops the connection, and never hangs, crashes or fills the caller's buffer
 * with bytes nobody sent.
 */
@Timeout(60)
class HostileReplyTest {
    @TempDir
    Path dir;

    interface Reply {
        void send(ScriptedServer.Wire w, ScriptedServer.Request read) throws Exception;
    }

    static Stream<Arguments> hostileReplies() {
        return Stream.of(
                Arguments.of("unknown cookie", (Reply) (w, r) -> w.simpleReply(r.cookie() + 1000, EIO, new byte[0]),
                        "no request in flight has"),
                Arguments.of("data outside the request",
                        (Reply) (w, r) -> w.dataChunk(true, r.cookie(), 60000, new byte[4096]), "outside the requested"),
                Arguments.of("unknown chunk type", (Reply) (w, r) -> w.chunk(1, 77, r.cookie(), new byte[0]),
                        "unknown chunk type"),
                Arguments.of("block status for a read",
                        (Reply) (w, r) -> w.blockStatusChunk(true, r.cookie(), 1, 4096, 0),
                        "NBD_REPLY_TYPE_BLOCK_STATUS for NBD_CMD_READ"),
                Arguments.of("error message longer than its chunk", (Reply) (w, r) -> w.chunk(1, CHUNK_ERROR, r.cookie(),
                        ByteBuffer.allocate(10).putInt(EIO).putShort((short) 500).array()), "message of 500 bytes"),
                Arguments.of("error chunk with error 0", (Reply) (w, r) -> w.errorChunk(true, r.cookie(), 0, "fine"),
                        "with error 0"),
                Arguments.of("done with a gap", (Reply) (w, r) -> w.dataChunk(true, r.cookie(), 0, new byte[2048]),
                        "finished with only 2048 bytes"),
                Arguments.of("hole chunk of the wrong size", (Reply) (w, r) -> w.chunk(1, CHUNK_OFFSET_HOLE, r.cookie(),
                        new byte[8]), "expected 12"),
                Arguments.of("bad magic", (Reply) (w, r) -> {
                    w.out.writeInt(0xdeadbeef);
                    w.out.write(new byte[40]);
                    w.out.flush();
                }, "reply magic 0xdeadbeef"),
                Arguments.of("simple reply with data after structured replies",
                        (Reply) (w, r) -> w.simpleReply(r.cookie(), 0, new byte[4096]), "simple reply with data"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileReplies")
    void brokenReplyIsAProtocolError(String name, Reply reply, String fragment) throws Exception {
        try (ScriptedServer server = new ScriptedServer(dir, w -> {
            w.modernHandshake(65536, TFLAG_HAS_FLAGS, 1, 0, 0, 0);
            ScriptedServer.Request read = w.readRequest();
            try {
                reply.send(w, read);
            } catch (java.io.IOException e) {
                // The client may drop the connection before the broken reply is fully sent.
            }
            drainUntilClosed(w);
        })) {
            try (NbdClient client = NbdClient.connect(server.uri(""))) {
                ByteBuffer dst = ByteBuffer.allocate(4096);
                NbdException e = assertThrows(NbdException.class, () -> client.read(dst, 0));
                assertEquals(NbdException.PROTOCOL_ERROR, e.errorName(), e.getMessage());
                assertTrue(e.getMessage().contains(fragment), e.getMessage());
                assertEquals(NbdException.PROTOCOL_ERROR,
                        assertThrows(NbdException.class, () -> client.read(ByteBuffer.allocate(512), 0)).errorName());
            }
            server.finish();
        }
    }

    @Test
    void serverHangingUpWithRequestsInFlightIsConnectionLost() throws Exception {
        try (ScriptedServer server = new ScriptedServer(dir, w -> {
            w.modernHandshake(65536, TFLAG_HAS_FLAGS, 1, 0, 0, 0);
            w.readRequest();
            w.out.close();
        })) {
            try (NbdClient client = NbdClient.connect(server.uri(""))) {
                NbdException e = assertThrows(NbdException.class, () -> client.read(ByteBuffer.allocate(4096), 0));
                assertEquals(NbdException.CONNECTION_LOST, e.errorName());
                assertTrue(e.getMessage().contains("1 request(s) unanswered"), e.getMessage());
            }
            server.finish();
        }
    }

    @Test
    void silentServerHitsTheHandshakeDeadline() throws Exception {
        try (ScriptedServer server = new ScriptedServer(dir, HostileReplyTest::drainUntilClosed)) {
            NbdUri uri = NbdUri.parse(server.uri(""));
            Transport t = SocketTransport.connect(uri);
            NbdException e = assertThrows(NbdException.class, () -> NbdClient.connect(t, uri.describe(), "", 1));
            assertEquals(NbdException.CONNECTION_LOST, e.errorName());
            assertTrue(e.getMessage().contains("did not finish the NBD handshake within 1 s"), e.getMessage());
            server.finish();
        }
    }

    private static void drainUntilClosed(ScriptedServer.Wire w) throws Exception {
        try {
            while (true) {
                w.in.readByte();
            }
        } catch (EOFException | java.nio.channels.AsynchronousCloseException e) {
            // the client hung up: expected
        } catch (java.io.IOException e) {
            // connection reset by the client closing mid-stream: also a hang-up
        }
    }
}
