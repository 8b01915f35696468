package org.smapimigrate.nbd;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;

/**
 * The client against qemu-nbd 7.2 serving qcow2 images, the datapath SMAPIv3 uses (qemu-dp).
 * qemu-img compare / map / convert and nbdinfo judge the results.
 */
@Timeout(120)
class QemuNbdTest {
    private static final long SIZE = 16L << 20;

    @TempDir
    Path dir;

    @Test
    void sparseCopyIntoQcow2IsIdenticalAndKeepsHolesAsHoles() throws Exception {
        Path expected = dir.resolve("expected.raw");
        int dataBlocks = SparseImage.create(expected, SIZE, 21);
        Path qcow2 = dir.resolve("img.qcow2");
        ThirdPartyTool.QEMU_IMG.runOk("create", "-q", "-f", "qcow2", qcow2.toString(), Long.toString(SIZE));
        // Junk everywhere first, so zero runs must really be zeroed (not just left unwritten).
        ThirdPartyTool.QEMU_IO.runOk("-f", "qcow2", "-c", "write -P 0xcc 0 " + SIZE, qcow2.toString());

        try (NbdServerProcess server = NbdServerProcess.qemuNbd(dir, "-f", "qcow2", "-x", "disk", qcow2.toString())) {
            try (NbdSink sink = NbdSink.open(server.uri("disk"), SIZE)) {
                assertEquals(SIZE, sink.size());
                assertTrue(sink.export().flags().canWriteZeroes());
                assertTrue(sink.export().flags().canFlush());
                assertTrue(sink.export().blockSizes().advertised(), "qemu-nbd answers NBD_INFO_BLOCK_SIZE");
                SparseImage.copy(expected, sink);
            }
            assertEquals(0, server.stop(), "qemu-nbd stops cleanly:\n" + server.log());
        }

        ThirdPartyTool.Result compare = ThirdPartyTool.QEMU_IMG.run("compare", "-f", "raw", "-F", "qcow2",
                expected.toString(), qcow2.toString());
        assertEquals(0, compare.exit(), compare.describe());
        assertTrue(compare.stdout().contains("Images are identical."), compare.stdout());
        ThirdPartyTool.QEMU_IMG.runOk("check", "-q", "-f", "qcow2", qcow2.toString());

        // WRITE_ZEROES without NO_HOLE lets qemu drop the junk clusters: only real data stays allocated.
        String map = ThirdPartyTool.QEMU_IMG.runOk("map", "--output=json", "-f", "qcow2", qcow2.toString()).stdout();
        assertEquals((long) dataBlocks * SparseImage.BLOCK, allocatedDataBytes(map), map);
    }

    @Test
    void blockStatusMatchesNbdinfoAndReadsMatchQemuImgConvert() throws Exception {
        Path qcow2 = dir.resolve("img.qcow2");
        ThirdPartyTool.QEMU_IMG.runOk("create", "-q", "-f", "qcow2", qcow2.toString(), Long.toString(SIZE));
        ThirdPartyTool.QEMU_IO.runOk("-f", "qcow2",
                "-c", "write -P 0xab 0 64k",
                "-c", "write -z 1M 128k",
                "-c", "write -P 0x11 2M 4k",
                "-c", "write -P 0x22 3M 1M",
                "-c", "discard 3M 64k",
                "-c", "write -P 0x33 15M 1M",
                qcow2.toString());
        Path raw = dir.resolve("converted.raw");
        ThirdPartyTool.QEMU_IMG.runOk("convert", "-f", "qcow2", "-O", "raw", qcow2.toString(), raw.toString());
        byte[] expected = Files.readAllBytes(raw);

        try (NbdServerProcess server = NbdServerProcess.qemuNbd(dir, "-r", "-f", "qcow2", "-x", "disk",
                qcow2.toString())) {
            String uri = server.uri("disk");
            List<BlockStatusExtent> map = NbdinfoOutput.map(ThirdPartyTool.NBDINFO.runOk("--map", uri).stdout());
            String json = ThirdPartyTool.NBDINFO.runOk("--json", uri).stdout();
            try (NbdClient client = NbdClient.connect(uri)) {
                ExportInfo info = client.export();
                assertTrue(info.flags().readOnly());
                assertEquals(0, info.baseAllocationId(), "qemu numbers base:allocation 0");
                assertEquals(Integer.parseInt(NbdinfoOutput.jsonField(json, "block_size_minimum")), info.blockSizes().minimum());
                assertEquals(Integer.parseInt(NbdinfoOutput.jsonField(json, "block_size_preferred")), info.blockSizes().preferred());
                assertEquals(Long.parseLong(NbdinfoOutput.jsonField(json, "block_size_maximum")), info.blockSizes().maximum());

                assertEquals(map, client.blockStatus(0, SIZE), "same extents as nbdinfo --map");

                NbdDisk disk = NbdDisk.over(client);
                ByteBuffer all = ByteBuffer.allocate((int) SIZE);
                disk.read(all, 0); // qemu answers with OFFSET_DATA and OFFSET_HOLE chunks
                assertArrayEquals(expected, all.array(), "same bytes as qemu-img convert");

                List<Extent> extents = disk.extents(0, SIZE);
                long data = extents.stream().filter(e -> e.kind() == ExtentKind.DATA).mapToLong(Extent::length).sum();
                assertEquals(map.stream().filter(e -> e.flags() == 0).mapToLong(BlockStatusExtent::length).sum(), data);
                assertEquals(new Extent(0, 65536, ExtentKind.DATA), extents.get(0));
                assertEquals(new Extent(65536, (2 << 20) - 65536, ExtentKind.UNALLOCATED), extents.get(1));
            }
        }
    }

    @Test
    void unknownExportNameIsAClearError() throws Exception {
        Path qcow2 = dir.resolve("img.qcow2");
        ThirdPartyTool.QEMU_IMG.runOk("create", "-q", "-f", "qcow2", qcow2.toString(), "1M");
        try (NbdServerProcess server = NbdServerProcess.qemuNbd(dir, "-f", "qcow2", "-x", "disk", qcow2.toString())) {
            String uri = server.uri("nope");
            NbdException e = assertThrows(NbdException.class, () -> NbdSink.open(uri, 1 << 20));
            assertEquals("NBD_REP_ERR_UNKNOWN", e.errorName());
            assertFalse(e.serverMessage().isEmpty(), "qemu explains");
            assertEquals(uri + ": server refused export 'nope': NBD_REP_ERR_UNKNOWN (" + e.serverMessage() + ")",
                    e.getMessage());
        }
    }

    @Test
    void xapiLegacyUriFormReachesTheExport() throws Exception {
        Path qcow2 = dir.resolve("img.qcow2");
        ThirdPartyTool.QEMU_IMG.runOk("create", "-q", "-f", "qcow2", qcow2.toString(), "2M");
        ThirdPartyTool.QEMU_IO.runOk("-f", "qcow2", "-c", "write -P 0x5a 512 1024", qcow2.toString());
        try (NbdServerProcess server = NbdServerProcess.qemuNbd(dir, "-f", "qcow2", "-x", "qemu_node",
                qcow2.toString())) {
            // What a SMAPIv3 datapath returns: ["Nbd", {"uri": "nbd:unix:<socket>:exportname=<name>"}].
            String uri = "nbd:unix:" + server.socket() + ":exportname=qemu_node";
            try (NbdDisk disk = NbdDisk.open(uri)) {
                assertEquals(2 << 20, disk.size());
                ByteBuffer b = ByteBuffer.allocate(2048);
                disk.read(b, 0);
                for (int i = 0; i < 2048; i++) {
                    assertEquals(i >= 512 && i < 1536 ? 0x5a : 0, b.get(i) & 0xff, "byte " + i);
                }
            }
        }
    }

    /** Sum of the "data": true lengths in qemu-img map --output=json. */
    private static long allocatedDataBytes(String json) {
        long total = 0;
        Matcher m = Pattern.compile("\\{[^}]*\\}").matcher(json);
        while (m.find()) {
            String entry = m.group();
            if (entry.contains("\"data\": true")) {
                Matcher len = Pattern.compile("\"length\": (\\d+)").matcher(entry);
                assertTrue(len.find(), entry);
                total += Long.parseLong(len.group(1));
            }
        }
        return total;
    }
}
