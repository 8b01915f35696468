package org.smapimigrate.xapi.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.xapi.XapiCredentials;
import org.smapimigrate.xapi.XapiEndpoint;
import org.smapimigrate.xapi.XapiException;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.XapiTasks;
import org.smapimigrate.xapi.standin.StandIns;
import org.smapimigrate.xapi.standin.XapiStandIn;
import org.smapimigrate.xapi.transport.BodySource;
import org.smapimigrate.xapi.transport.TlsTrust;

/**
 * HTTP disk transfer against the stand-in's export_raw_vdi / import_raw_vdi handlers (modelled:
 * no Content-Length on export, Content-Length required on import, 302 to a member, the task
 * recording the outcome). Every byte is checked with SHA-256 against the file the stand-in holds.
 */
class VdiTransferTest {
    static final int SIZE = 5 << 20;

    @TempDir
    Path dir;
    XapiStandIn xapi;
    XapiSession session;
    VdiTransfer transfer;

    @BeforeEach
    void start() throws IOException {
        xapi = StandIns.pool(dir).start();
        session = XapiSession.login(XapiEndpoint.parse(xapi.url(), TlsTrust.caFile(StandIns.pki().poolCa().caPem())),
                XapiCredentials.resolve("root", null, Map.of("XAPI_PASSWORD", StandIns.PASSWORD)));
        transfer = new VdiTransfer(session, new XapiTasks(session));
    }

    @AfterEach
    void stop() throws IOException {
        session.close();
        xapi.close();
    }

    static Path disk(Path file, long seed) throws IOException {
        // Sparse, with data at the start, in the middle and at the very end.
        Random r = new Random(seed);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.truncate(SIZE);
            for (long at : new long[] {0, SIZE / 2 + 4096, SIZE - 70_000}) {
                byte[] b = new byte[70_000];
                r.nextBytes(b);
                ch.write(ByteBuffer.wrap(b), at);
            }
        }
        return file;
    }

    static byte[] sha256(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), md));
            return md.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void exportStreamsTheWholeDiskAndImportWritesItBack() throws IOException {
        String sr = xapi.addSr("ext", "local", Map.of("device", "/dev/sdb"), Map.of());
        Path source = disk(dir.resolve("source.raw"), 1);
        String vdi = xapi.addVdi(sr, "data", SIZE, source, Map.of());
        Path out = dir.resolve("exported.raw");
        List<long[]> progress = new ArrayList<>();
        try (OutputStream o = Files.newOutputStream(out)) {
            assertEquals(SIZE, transfer.exportRaw(vdi, null, o, SIZE, (d, t) -> progress.add(new long[] {d, t})));
        }
        assertArrayEquals(sha256(source), sha256(out));
        assertEquals(SIZE, progress.get(progress.size() - 1)[0]);

        String target = xapi.addVdi(sr, "copy", SIZE, null, Map.of());
        String uuid = xapi.db().get("VDI", target).path("uuid").asText();
        transfer.importRaw(uuid, file(out), TransferProgress.NONE);
        assertArrayEquals(sha256(source), sha256(xapi.vdiData(target)));
        assertEquals(0, xapi.dumpAll().get("task").size(), "tasks destroyed");
    }

    @Test
    void redirectsToAMemberAreFollowedAndThePutBodySentAgain() throws IOException {
        String sr = xapi.addSr("ext", "local", Map.of("device", "/dev/sdb"), Map.of());
        Path source = disk(dir.resolve("source.raw"), 2);
        String vdi = xapi.addVdi(sr, "data", SIZE, source, Map.of());
        String target = xapi.addVdi(sr, "copy", SIZE, null, Map.of());
        xapi.redirectTransfersToMember(0);
        Path out = dir.resolve("exported.raw");
        try (OutputStream o = Files.newOutputStream(out)) {
            transfer.exportRaw(vdi, null, o, SIZE, TransferProgress.NONE);
        }
        assertArrayEquals(sha256(source), sha256(out));
        transfer.importRaw(target, file(out), TransferProgress.NONE);
        assertArrayEquals(sha256(source), sha256(xapi.vdiData(target)));
    }

    @Test
    void tooMuchDataFailsWithTheTasksError() throws IOException {
        String sr = xapi.addSr("ext", "local", Map.of("device", "/dev/sdb"), Map.of());
        String small = xapi.addVdi(sr, "small", 1 << 20, null, Map.of());
        Path big = disk(dir.resolve("big.raw"), 3);
        XapiException e = assertThrows(XapiException.class, () -> transfer.importRaw(small, file(big),
                TransferProgress.NONE));
        assertEquals("VDI_IO_ERROR", e.code());
        assertTrue(e.getMessage().startsWith("import_raw_vdi of VDI " + small + ": XAPI error VDI_IO_ERROR"),
                e.getMessage());
        assertTrue(!e.getMessage().contains(session.sessionRef()), "the session ref is a secret");
    }

    @Test
    void aShortExportIsAnError() throws IOException {
        String sr = xapi.addSr("ext", "local", Map.of("device", "/dev/sdb"), Map.of());
        String vdi = xapi.addVdi(sr, "data", SIZE, disk(dir.resolve("s.raw"), 4), Map.of());
        IOException e = assertThrows(IOException.class,
                () -> transfer.exportRaw(vdi, null, OutputStream.nullOutputStream(), SIZE + 1, TransferProgress.NONE));
        assertTrue(e.getMessage().contains("gave " + SIZE + " bytes, expected " + (SIZE + 1)), e.getMessage());
    }

    static BodySource file(Path f) throws IOException {
        long n = Files.size(f);
        return new BodySource() {
            @Override
            public long length() {
                return n;
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(f);
            }
        };
    }

    /**
     * format=vhd both ways (the stand-in does it with qemu-img): the export of a sparse VDI is much
     * smaller than its virtual size, and importing it into a VDI that already holds data changes
     * the allocated blocks only, as XAPI's VHD import does.
     */
    @Test
    void vhdExportSkipsHolesAndVhdImportWritesOnlyItsBlocks() throws IOException {
        String sr = xapi.addSr("ext", "local", Map.of("device", "/dev/sdb"), Map.of());
        int size = 10 << 20;
        Path source = dir.resolve("sparse.raw");
        try (FileChannel ch = FileChannel.open(source, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.truncate(size);
            byte[] b = new byte[100_000];
            new Random(5).nextBytes(b);
            ch.write(ByteBuffer.wrap(b), 4096); // block 0
            ch.write(ByteBuffer.wrap(b), (6 << 20) + 512); // block 3; blocks 1, 2 and 4 are holes
            ch.write(ByteBuffer.allocate(1), size - 1);
        }
        String vdi = xapi.addVdi(sr, "data", size, source, Map.of());
        Path vhd = dir.resolve("exported.vhd");
        long n;
        try (OutputStream o = Files.newOutputStream(vhd)) {
            n = transfer.export(vdi, DiskFormat.VHD, null, o, -1, TransferProgress.NONE);
        }
        assertEquals(Files.size(vhd), n);
        assertTrue(n < size / 2, "holes are not sent: " + n + " bytes for " + size);
        // A target full of 0xAB: after the import, the VHD's blocks hold the source and the rest stays 0xAB.
        Path full = dir.resolve("full.raw");
        byte[] ab = new byte[size];
        java.util.Arrays.fill(ab, (byte) 0xAB);
        Files.write(full, ab);
        String target = xapi.addVdi(sr, "target", size, full, Map.of());
        transfer.importInto(target, DiskFormat.VHD, file(vhd), TransferProgress.NONE);
        byte[] src = Files.readAllBytes(source);
        byte[] got = Files.readAllBytes(full);
        int block = 2 << 20;
        int kept = 0;
        for (int b = 0; b < size / block; b++) {
            int from = b * block;
            int to = from + block;
            boolean allocated = false;
            for (int k = from; k < to && !allocated; k++) {
                allocated = src[k] != 0;
            }
            for (int k = from; k < to; k++) {
                if (got[k] != (allocated ? src[k] : (byte) 0xAB)) {
                    throw new AssertionError("byte " + k + " of block " + b + " (allocated " + allocated + ")");
                }
            }
            kept += allocated ? 0 : 1;
        }
        assertEquals(3, kept, "blocks 1, 2 and 4 untouched");
    }
}
