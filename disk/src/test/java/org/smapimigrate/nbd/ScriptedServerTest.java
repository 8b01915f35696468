package org.smapimigrate.nbd;

import static org.junit.jupiter.api.Assertions.*;
import static org.smapimigrate.nbd.NbdProtocol.*;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;

/**
 * The client against a fake server playing scripted conversations built from proto.md: the
 * fallbacks, error replies and odd-but-legal orders real servers produce only in special cases.
 */
@Timeout(60)
class ScriptedServerTest {
    @TempDir
    Path dir;

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    /** xapi-nbd: handshake flags 1 (so 124 zero bytes follow EXPORT_NAME), GO and STRUCTURED_REPLY unsupported. */
    @Test
    void goUnsupportedFallsBackToExportNameReadingThePadding() throws Exception {
        byte[] sector = pattern(512, 7);
        try (ScriptedServer server = new ScriptedServer(dir, w -> {
            assertEquals(CLIENT_FLAG_FIXED_NEWSTYLE, w.greet(FLAG_FIXED_NEWSTYLE),
                    "client sets only the flags the server offered");
            w.expectOption(OPT_STRUCTURED_REPLY);
            w.optionError(OPT_STRUCTURED_REPLY, REP_ERR_UNSUP, "");
            w.expectOption(OPT_GO);
            w.optionError(OPT_GO, REP_ERR_UNSUP, "Unsupported option");
            ScriptedServer.Option name = w.expectOption(OPT_EXPORT_NAME);
            assertEquals("/vdi?x=1", new String(name.data(), StandardCharsets.UTF_8));
            w.out.writeLong(1 << 20);
            w.out.writeShort(TFLAG_HAS_FLAGS | TFLAG_READ_ONLY);
            w.out.write(new byte[124]);
            w.out.flush();
            for (int i = 0; i < 2; i++) {
                ScriptedServer.Request r = w.readRequest();
                assertEquals(CMD_READ, r.type());
                assertEquals(0, r.flags(), "no command flags (tapdisk dies on any)");
                assertEquals(4096, r.offset(), "512-aligned: xapi-nbd needs it");
                assertEquals(512, r.length());
                w.simpleReply(r.cookie(), 0, sector);
            }
            assertEquals(CMD_DISC, w.readRequest().type());
            assertThrows(EOFException.class, w.in::readByte, "nothing after DISC");
        })) {
            try (NbdDisk disk = NbdDisk.open(server.uri("/vdi?x=1"))) {
                ExportInfo info = disk.export();
                assertEquals("NBD_OPT_EXPORT_NAME", info.negotiatedBy());
                assertEquals(1 << 20, disk.size());
                assertTrue(info.flags().readOnly());
                assertFalse(info.structuredReplies());
                assertFalse(info.canBlockStatus());
                ByteBuffer b = ByteBuffer.allocate(512);
                disk.read(b, 4096);
                assertArrayEquals(sector, b.array());
                // Misaligned: the client reads the whole sector and keeps the middle.
                ByteBuffer part = ByteBuffer.allocate(100);
                disk.read(part, 4100);
                assertArrayEquals(Arrays.copyOfRange(sector, 4, 104), part.array());
                assertEquals(List.of(new Extent(0, 1 << 20, ExtentKind.DATA)), disk.extents(0, 1 << 20),
                        "without block status everything is data");
            }
            server.finish();
        }
    }

    @Test
    void noZeroesAgreedMeansNoPaddingAfterExportName() throws Exception {
        try (ScriptedServer server = new ScriptedServer(dir, w -> {
            assertEquals(CLIENT_FLAG_FIXED_NEWSTYLE | CLIENT_FLAG_NO_ZEROES, w.greet(FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES));
            w.expectOption(OPT_STRUCTURED_REPLY);
            w.optionError(OPT_STRUCTURED_REPLY, REP_ERR_UNSUP, "");
            w.expectOption(OPT_GO);
            w.optionError(OPT_GO, REP_ERR_UNSUP, "");
            w.expectOption(OPT_EXPORT_NAME);
            w.out.writeLong(4096);
            w.out.writeShort(TFLAG_HAS_FLAGS);
            w.out.flush();
            ScriptedServer.Request r = w.readRequest();
            w.simpleReply(r.cookie(), 0, pattern(r.length(), 1));
            assertEquals(CMD_DISC, w.readRequest().type());
        })) {
            try (NbdClient client = NbdClient.connect(server.uri("x"))) {
                ByteBuffer b = ByteBuffer.allocate(4096);
                client.read(b, 0);
                assertArrayEquals(pattern(4096, 1), b.array());
            }
            server.finish();
        }
    }

    @Test
    void refusedExportNamesTheErrorAndTheServersMessage() throws Exception {
        try (ScriptedServer server = new ScriptedServer(dir, w -> {
            w.greet(3);
            w.expectOption(OPT_STRUCTURED_REPLY);
            w.ack(OPT_STRUCTURED_REPLY);
            w.expectOption(OPT_SET_META_CONTEXT);
            w.ack(OPT_SET_META_CONTEXT);
            w.expectOption(OPT_GO);
            w.optionError(OPT_GO, REP_ERR_UNKNOWN, "no such export");
        })) {
            String uri = server.uri("disk");
            NbdException e = assertThrows(NbdException.class, () -> NbdClient.connect(uri));
            assertEquals("NBD_REP_ERR_UNKNOWN", e.errorName());
            assertEquals(REP_ERR_UNKNOWN, e.errorCode());
            assertEquals("no such export", e.serverMessage());
            assertEquals(uri + ": server refused export 'disk': NBD_REP_ERR_UNKNOWN (no such export)", e.getMessage());
            server.finish();
        }
    }

    @Test
    void structuredErrorChunkFailsOnlyItsReadAndChunksMayComeInAnyOrder() throws Exception {
        byte[] half = pattern(2048, 3);
        try (ScriptedServer server = new ScriptedServer(dir, w -> {
            w.modernHandshake(65536, TFLAG_HAS_FLAGS | TFLAG_SEND_FLUSH, 7, 0, 0, 0);
            ScriptedServer.Request r1 = w.readRequest();
            w.errorChunk(true, r1.cookie(), EIO, "disk on fire");
            ScriptedServer.Request r2 = w.readRequest();
            assertEquals(8192, r2.offset());
            // Second half first, then the hole, then an empty DONE chunk.
            w.dataChunk(false, r2.cookie(), 8192 + 2048, half);
            w.holeChunk(false, r2.cookie(), 8192, 2048);
            w.noneChunk(r2.cookie());
            ScriptedServer.Request bs = w.readRequest();
            assertEquals(CMD_BLOCK_STATUS, bs.type());
            assertEquals(0, bs.flags(), "no REQ_ONE");
            // The server covers only part of the request (allowed); the client asks again from there.
            w.blockStatusChunk(true, bs.cookie(), 7, 4096, 0, 4096, STATE_HOLE | STATE_ZERO);
            ScriptedServer.Request bs2 = w.readRequest();
            assertEquals(8192, bs2.offset());
            assertEquals(65536 - 8192, bs2.length());
            // ...and the last extent may run past the request: the client clips it.
            w.blockStatusChunk(true, bs2.cookie(), 7, 1 << 20, STATE_HOLE | STATE_ZERO);
            assertEquals(CMD_DISC, w.readRequest().type());
        })) {
            try (NbdClient client = NbdClient.connect(server.uri(""))) {
                assertTrue(client.export().canBlockStatus());
                assertEquals(7, client.export().baseAllocationId());
                NbdException e = assertThrows(NbdException.class, () -> client.read(ByteBuffer.allocate(4096), 0));
                assertEquals("EIO", e.errorName());
                assertEquals("disk on fire", e.serverMessage());
                assertTrue(e.getMessage().endsWith(": NBD_CMD_READ of 4096 bytes at offset 0 failed: EIO (disk on fire)"),
                        e.getMessage());

                ByteBuffer b = ByteBuffer.allocate(4096);
                Arrays.fill(b.array(), (byte) 0x55); // the hole must overwrite this
                client.read(b, 8192);
                byte[] expected = new byte[4096];
                System.arraycopy(half, 0, expected, 2048, 2048);
                assertArrayEquals(expected, b.array());

                assertEquals(List.of(new BlockStatusExtent(0, 4096, 0), new BlockStatusExtent(4096, 65536 - 4096, 3)),
                        client.blockStatus(0, 65536));
            }
            server.finish();
        }
    }

    /** Several requests in flight, answered last first; a failed pipelined write surfaces at flush. */
    @Test
    void repliesMatchTheirRequestsByCookieAndWriteFailuresSurfaceLater() throws Exception {
        try (ScriptedServer server = new ScriptedServer(dir, w -> {
            w.modernHandshake(1 << 20, TFLAG_HAS_FLAGS | TFLAG_SEND_FLUSH | TFLAG_SEND_WRITE_ZEROES, 1,
                    512, 4096, 4096);
            List<ScriptedServer.Request> reads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                reads.add(w.readRequest());
            }
            for (int i = 2; i >= 0; i--) {
                ScriptedServer.Request r = reads.get(i);
                assertEquals(4096, r.length(), "split to the advertised maximum payload");
                w.dataChunk(true, r.cookie(), r.offset(), pattern(4096, i));
            }
            ScriptedServer.Request w1 = w.readRequest();
            ScriptedServer.Request w2 = w.readRequest();
            assertEquals(CMD_WRITE, w1.type());
            assertEquals(4096, w2.offset());
            w.simpleReply(w1.cookie(), 0, new byte[0]);
            w.simpleReply(w2.cookie(), ENOSPC, new byte[0]);
            assertEquals(CMD_DISC, w.readRequest().type(), "no FLUSH after a failed write");
        })) {
            NbdClient client = NbdClient.connect(server.uri(""));
            assertEquals(NbdClient.MAX_IN_FLIGHT_SMALL_SERVER, client.maxInFlight(), "small-maximum server");
            ByteBuffer b = ByteBuffer.allocate(3 * 4096);
            client.read(b, 0);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(pattern(4096, i), Arrays.copyOfRange(b.array(), i * 4096, (i + 1) * 4096));
            }
            NbdSink sink = NbdSink.over(client, 1 << 20);
            sink.write(ByteBuffer.allocate(8192), 0);
            NbdException e = assertThrows(NbdException.class, sink::flush);
            assertEquals("ENOSPC", e.errorName());
            assertTrue(e.getMessage().contains("NBD_CMD_WRITE of 4096 bytes at offset 4096 failed: ENOSPC"),
                    e.getMessage());
            assertThrows(NbdException.class, () -> sink.write(ByteBuffer.allocate(512), 0), "the failure sticks");
            assertThrows(NbdException.class, sink::close, "close reports it too, after disconnecting");
            server.finish();
        }
    }

    @Test
    void overlappingChunksAreAProtocolErrorThatDropsTheConnection() throws Exception {
        try (ScriptedServer server = new ScriptedServer(dir, w -> {
            w.modernHandshake(65536, TFLAG_HAS_FLAGS, 1, 0, 0, 0);
            ScriptedServer.Request r = w.readRequest();
            w.dataChunk(false, r.cookie(), 0, pattern(2048, 0));
            w.dataChunk(true, r.cookie(), 1024, pattern(3072, 0));
            assertThrows(EOFException.class, () -> {
                while (true) {
                    w.in.readByte();
                }
            });
        })) {
            try (NbdClient client = NbdClient.connect(server.uri(""))) {
                NbdException e = assertThrows(NbdException.class, () -> client.read(ByteBuffer.allocate(4096), 0));
                assertEquals(NbdException.PROTOCOL_ERROR, e.errorName());
                assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
                NbdException later = assertThrows(NbdException.class, () -> client.read(ByteBuffer.allocate(512), 0));
                assertEquals(NbdException.PROTOCOL_ERROR, later.errorName(), "the connection stays failed");
            }
            server.finish();
        }
    }

    @Test
    void oldstyleServerIsNamed() throws Exception {
        try (ScriptedServer server = new ScriptedServer(dir, w -> {
            w.out.writeLong(ScriptedServer.NBDMAGIC);
            w.out.writeLong(0x00420281861253L);
            w.out.flush();
        })) {
            NbdException e = assertThrows(NbdException.class, () -> NbdClient.connect(server.uri("")));
            assertEquals(NbdException.NOT_NBD, e.errorName());
            assertTrue(e.getMessage().contains("oldstyle"), e.getMessage());
            server.finish();
        }
    }

    @Test
    void hangUpAfterExportNameSaysTheExportProbablyDoesNotExist() throws Exception {
        try (ScriptedServer server = new ScriptedServer(dir, w -> {
            w.greet(FLAG_FIXED_NEWSTYLE);
            w.expectOption(OPT_STRUCTURED_REPLY);
            w.optionError(OPT_STRUCTURED_REPLY, REP_ERR_UNSUP, "");
            w.expectOption(OPT_GO);
            w.optionError(OPT_GO, REP_ERR_UNSUP, "");
            w.expectOption(OPT_EXPORT_NAME);
        })) {
            NbdException e = assertThrows(NbdException.class, () -> NbdClient.connect(server.uri("gone")));
            assertEquals(NbdException.CONNECTION_LOST, e.errorName());
            assertTrue(e.getMessage().contains("'gone': the export probably does not exist"), e.getMessage());
            server.finish();
        }
    }

    @Test
    void serverDemandingTlsIsNamed() throws Exception {
        try (ScriptedServer server = new ScriptedServer(dir, w -> {
            w.greet(3);
            w.expectOption(OPT_STRUCTURED_REPLY);
            w.optionError(OPT_STRUCTURED_REPLY, REP_ERR_TLS_REQD, "Option 0x8 not permitted before TLS");
        })) {
            NbdException e = assertThrows(NbdException.class, () -> NbdClient.connect(server.uri("")));
            assertEquals("NBD_REP_ERR_TLS_REQD", e.errorName());
            assertTrue(e.getMessage().contains("requires TLS"), e.getMessage());
            assertEquals("Option 0x8 not permitted before TLS", e.serverMessage());
            server.finish();
        }
    }

    /** tapdisk advertises only HAS_FLAGS and dies on FLUSH/TRIM/WRITE_ZEROES or any command flag. */
    @Test
    void unadvertisedCommandsAreNeverSent() throws Exception {
        try (ScriptedServer server = new ScriptedServer(dir, w -> {
            w.modernHandshake(1 << 20, TFLAG_HAS_FLAGS, 1, 1, 4096, 2 << 20);
            long zeroed = 0;
            while (true) {
                ScriptedServer.Request r = w.readRequest();
                if (r.type() == CMD_DISC) {
                    break;
                }
                assertEquals(CMD_WRITE, r.type(), "zeros are written, not WRITE_ZEROES; no FLUSH");
                assertEquals(0, r.flags());
                assertArrayEquals(new byte[r.length()], r.payload());
                zeroed += r.length();
                w.simpleReply(r.cookie(), 0, new byte[0]);
            }
            assertEquals(3 << 18, zeroed);
        })) {
            NbdClient client = NbdClient.connect(server.uri(""));
            assertEquals(NbdException.UNSUPPORTED,
                    assertThrows(NbdException.class, () -> client.writeZeroes(0, 512)).errorName());
            assertEquals(NbdException.UNSUPPORTED, assertThrows(NbdException.class, client::flush).errorName());
            assertEquals(NbdException.UNSUPPORTED, assertThrows(NbdException.class, () -> client.trim(0, 512)).errorName());
            try (NbdSink sink = NbdSink.over(client, 1 << 20)) {
                sink.writeZeroes(1 << 18, 3 << 18);
                sink.flush();
            }
            server.finish();
        }
    }

    @Test
    void optInfoQueriesWithoutEnteringTransmission() throws Exception {
        try (ScriptedServer server = new ScriptedServer(dir, w -> {
            w.greet(3);
            w.expectOption(OPT_STRUCTURED_REPLY);
            w.ack(OPT_STRUCTURED_REPLY);
            w.expectOption(OPT_SET_META_CONTEXT);
            w.metaContext(0, "base:allocation");
            w.ack(OPT_SET_META_CONTEXT);
            ScriptedServer.Option info = w.expectOption(OPT_INFO);
            assertEquals("d", info.exportName());
            w.infoExport(OPT_INFO, 123 * 512, TFLAG_HAS_FLAGS | TFLAG_SEND_FLUSH | TFLAG_SEND_TRIM);
            w.infoBlockSize(OPT_INFO, 512, 65536, 1 << 20);
            w.ack(OPT_INFO);
            w.expectOption(OPT_ABORT);
            w.ack(OPT_ABORT);
        })) {
            ExportInfo info = NbdClient.queryInfo(server.uri("d"));
            assertEquals("NBD_OPT_INFO", info.negotiatedBy());
            assertEquals(123 * 512, info.size());
            assertTrue(info.flags().canFlush());
            assertTrue(info.flags().canTrim());
            assertFalse(info.flags().canWriteZeroes());
            assertEquals(new BlockSizeConstraints(512, 65536, 1 << 20, true), info.blockSizes());
            assertTrue(info.canBlockStatus());
            server.finish();
        }
    }
}
