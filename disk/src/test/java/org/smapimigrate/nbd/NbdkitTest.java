package org.smapimigrate.nbd;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;

/**
 * The client against nbdkit 1.32. Truth comes from nbdkit itself (checkwrite, sparse-random
 * verify what is written) and from libnbd's nbdcopy and nbdinfo.
 */
@Timeout(120)
class NbdkitTest {
    @TempDir
    Path dir;

    /**
     * Whole-disk reads only: sparse-random's content is repeatable for 4 KiB-aligned requests
     * alone (see {@link #concurrentReadersOnOneConnectionGetTheirOwnBytes()}).
     */
    @Test
    void sparseRandomReadsLikeNbdcopyAndMapsLikeNbdinfo() throws Exception {
        long size = 40L << 20; // more than the 32 MiB nbdkit allows per request
        try (NbdServerProcess server = NbdServerProcess.nbdkit(dir, "sparse-random", "size=" + size, "seed=42",
                "percent=30", "runlength=262144", "random-content=true")) {
            Path copy = dir.resolve("copy.raw");
            ThirdPartyTool.NBDCOPY.runOk(server.uri(), copy.toString());
            List<BlockStatusExtent> map = NbdinfoOutput.map(ThirdPartyTool.NBDINFO.runOk("--map", server.uri()).stdout());

            try (NbdDisk disk = NbdDisk.open(server.uri())) {
                assertEquals(size, disk.size());
                assertTrue(disk.export().canBlockStatus());
                ByteBuffer all = ByteBuffer.allocate((int) size);
                disk.read(all, 0);
                assertEquals(sha256(Files.readAllBytes(copy)), sha256(all.array()), "same bytes as nbdcopy");

                NbdClient client = clientOf(disk);
                assertEquals(map, client.blockStatus(0, size), "same extents as nbdinfo --map");
                assertTrue(map.size() > 10, "the image has many extents: " + map.size());

                List<Extent> extents = disk.extents(0, size);
                assertEquals(0, extents.get(0).offset());
                assertEquals(size, extents.get(extents.size() - 1).end());
                long data = extents.stream().filter(e -> e.kind() == ExtentKind.DATA).mapToLong(Extent::length).sum();
                long mapData = map.stream().filter(e -> e.flags() == 0).mapToLong(BlockStatusExtent::length).sum();
                assertEquals(mapData, data);
                for (Extent e : extents) {
                    if (e.kind() != ExtentKind.DATA) {
                        assertTrue(isZero(all.array(), e.offset(), e.length()), "hole reads as zeros at " + e);
                    }
                }
                // A window in the middle starts and ends exactly at the window.
                List<Extent> window = disk.extents(1000, 5_000_000);
                assertEquals(1000, window.get(0).offset());
                assertEquals(5_001_000, window.get(window.size() - 1).end());
            }
        }
    }

    /**
     * VirtualDisk promises concurrent reads: four threads share one connection and its window,
     * with reads at any offset. Served by the file plugin, whose file is the oracle:
     * sparse-random cannot be one here, because for a request starting inside one of its 4 KiB
     * blocks it seeds that block's content from the request offset (read_block(blknum, offset)
     * in plugins/sparse-random/sparse-random.c), so only 4 KiB-aligned reads are repeatable.
     */
    @Test
    void concurrentReadersOnOneConnectionGetTheirOwnBytes() throws Exception {
        long size = 16L << 20;
        Path image = dir.resolve("image.raw");
        SparseImage.create(image, size, 8);
        byte[] expected = Files.readAllBytes(image);
        try (NbdServerProcess server = NbdServerProcess.nbdkit(dir, "-r", "file", image.toString())) {
            try (NbdDisk disk = NbdDisk.open(server.uri())) {
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
                try {
                    List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
                    for (int t = 0; t < 4; t++) {
                        long seed = t;
                        results.add(pool.submit(() -> {
                            Random random = new Random(seed);
                            int checked = 0;
                            for (int i = 0; i < 40; i++) {
                                int length = 1 + random.nextInt(1 << 20);
                                int offset = random.nextInt((int) size - length + 1);
                                ByteBuffer b = random.nextBoolean() ? ByteBuffer.allocate(length)
                                        : ByteBuffer.allocateDirect(length);
                                disk.read(b, offset);
                                byte[] got = new byte[length];
                                b.flip().get(got);
                                assertArrayEquals(Arrays.copyOfRange(expected, offset, offset + length), got,
                                        "read of " + length + " at " + offset);
                                checked++;
                            }
                            return checked;
                        }));
                    }
                    for (java.util.concurrent.Future<Integer> r : results) {
                        assertEquals(40, r.get());
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    @Test
    void checkwriteAcceptsAnExactSparseCopy() throws Exception {
        Path expected = dir.resolve("expected.raw");
        long size = 16L << 20;
        int dataBlocks = SparseImage.create(expected, size, 7);
        assertTrue(dataBlocks > 20 && dataBlocks < 200, "mixed image: " + dataBlocks + " data blocks");
        String before = sha256(Files.readAllBytes(expected));
        try (NbdServerProcess server = NbdServerProcess.nbdkit(dir, "--filter=checkwrite", "file", expected.toString())) {
            try (NbdSink sink = NbdSink.open(server.uri(), size)) {
                assertTrue(sink.export().flags().canWriteZeroes(), "checkwrite offers WRITE_ZEROES");
                SparseImage.copy(expected, sink);
            }
            assertFalse(server.log().contains("error"), server.log());
        }
        assertEquals(before, sha256(Files.readAllBytes(expected)), "checkwrite never writes its plugin");
    }

    @Test
    void checkwriteRejectsWrongDataAndWrongZeroes() throws Exception {
        Path expected = dir.resolve("expected.raw");
        long size = 4L << 20;
        SparseImage.create(expected, size, 11);
        byte[] image = Files.readAllBytes(expected);
        long dataBlock = firstBlock(image, false);
        long zeroBlock = firstBlock(image, true);
        try (NbdServerProcess server = NbdServerProcess.nbdkit(dir, "--filter=checkwrite", "file", expected.toString())) {
            NbdSink wrongData = NbdSink.open(server.uri(), size);
            byte[] junk = new byte[512];
            Arrays.fill(junk, (byte) 0xA5);
            wrongData.write(ByteBuffer.wrap(junk), zeroBlock);
            NbdException e = assertThrows(NbdException.class, wrongData::close);
            assertEquals("EIO", e.errorName());
            assertTrue(e.getMessage().contains("NBD_CMD_WRITE of 512 bytes at offset " + zeroBlock + " failed: EIO"),
                    e.getMessage());

            NbdSink wrongZeroes = NbdSink.open(server.uri(), size);
            wrongZeroes.writeZeroes(dataBlock, SparseImage.BLOCK);
            NbdException z = assertThrows(NbdException.class, wrongZeroes::close);
            assertEquals("EIO", z.errorName());
            assertTrue(z.getMessage().contains("NBD_CMD_WRITE_ZEROES of 65536 bytes at offset " + dataBlock),
                    z.getMessage());
        }
    }

    @Test
    void noStructuredRepliesFallsBackToSimpleReplies() throws Exception {
        long size = 8L << 20;
        try (NbdServerProcess server = NbdServerProcess.nbdkit(dir, "--no-sr", "sparse-random", "size=" + size,
                "seed=3", "percent=40", "runlength=131072")) {
            Path copy = dir.resolve("copy.raw");
            ThirdPartyTool.NBDCOPY.runOk(server.uri(), copy.toString());
            try (NbdDisk disk = NbdDisk.open(server.uri())) {
                assertFalse(disk.export().structuredReplies());
                assertFalse(disk.export().canBlockStatus());
                assertEquals(List.of(new Extent(0, size, ExtentKind.DATA)), disk.extents(0, size));
                ByteBuffer all = ByteBuffer.allocate((int) size);
                disk.read(all, 0);
                assertEquals(sha256(Files.readAllBytes(copy)), sha256(all.array()));
                NbdException e = assertThrows(NbdException.class, () -> clientOf(disk).blockStatus(0, 512));
                assertEquals(NbdException.UNSUPPORTED, e.errorName());
            }
        }
    }

    @Test
    void tcpOnLoopback() throws Exception {
        int size = 4 << 20;
        byte[] model = new byte[size];
        try (NbdServerProcess server = NbdServerProcess.nbdkitTcp(dir, "memory", Integer.toString(size))) {
            assertTrue(server.uri().startsWith("nbd://127.0.0.1:"), server.uri());
            byte[] data = new byte[1 << 20];
            new Random(5).nextBytes(data);
            System.arraycopy(data, 0, model, 1 << 20, data.length);
            try (NbdSink sink = NbdSink.open(server.uri(), size)) {
                sink.write(ByteBuffer.wrap(data), 1 << 20);
            }
            Path copy = dir.resolve("copy.raw");
            ThirdPartyTool.NBDCOPY.runOk(server.uri(), copy.toString());
            assertArrayEquals(model, Files.readAllBytes(copy));
            try (NbdDisk disk = NbdDisk.open(server.uri())) {
                ByteBuffer b = ByteBuffer.allocate(size);
                disk.read(b, 0);
                assertArrayEquals(model, b.array());
            }
        }
    }

    @Test
    void advertisedBlockSizesAreHonoured() throws Exception {
        int size = 4 << 20;
        // blocksize-error-policy=error: nbdkit answers EINVAL to any request breaking the constraints.
        try (NbdServerProcess server = NbdServerProcess.nbdkit(dir, "--filter=blocksize-policy", "memory",
                Integer.toString(size), "blocksize-minimum=512", "blocksize-preferred=4096",
                "blocksize-maximum=65536", "blocksize-error-policy=error")) {
            String json = ThirdPartyTool.NBDINFO.runOk("--json", server.uri()).stdout();
            byte[] model = new byte[size];
            try (NbdClient client = NbdClient.connect(server.uri())) {
                BlockSizeConstraints b = client.export().blockSizes();
                assertEquals(Integer.parseInt(NbdinfoOutput.jsonField(json, "block_size_minimum")), b.minimum());
                assertEquals(Integer.parseInt(NbdinfoOutput.jsonField(json, "block_size_preferred")), b.preferred());
                assertEquals(Long.parseLong(NbdinfoOutput.jsonField(json, "block_size_maximum")), b.maximum());
                assertEquals(65536, b.maxPayload());
                assertEquals(NbdClient.MAX_IN_FLIGHT_SMALL_SERVER, client.maxInFlight());

                byte[] data = new byte[1 << 20];
                new Random(9).nextBytes(data);
                System.arraycopy(data, 0, model, 65536, data.length);
                client.write(ByteBuffer.wrap(data), 65536); // 16 requests of 64 KiB
                client.writeZeroes(2 << 20, 1 << 20);       // 16 zero requests of 64 KiB

                NbdException mis = assertThrows(NbdException.class, () -> client.write(ByteBuffer.allocate(512), 100));
                assertEquals(NbdException.MISALIGNED, mis.errorName());
                assertTrue(mis.getMessage().contains("minimum block size 512"), mis.getMessage());

                ByteBuffer all = ByteBuffer.allocate(size);
                client.read(all, 0);
                assertArrayEquals(model, all.array());
                ByteBuffer odd = ByteBuffer.allocate(1000);
                client.read(odd, 65536 + 100); // misaligned: read-around inside the client
                assertArrayEquals(Arrays.copyOfRange(model, 65636, 66636), odd.array());
            }
        }
    }

    @Test
    void readOnlyExportRefusesWritesClearly() throws Exception {
        try (NbdServerProcess server = NbdServerProcess.nbdkit(dir, "-r", "memory", "1M")) {
            NbdException e = assertThrows(NbdException.class, () -> NbdSink.open(server.uri(), 1 << 20));
            assertEquals(NbdException.READ_ONLY, e.errorName());
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
            try (NbdClient client = NbdClient.connect(server.uri())) {
                assertTrue(client.export().flags().readOnly());
                assertEquals(NbdException.READ_ONLY,
                        assertThrows(NbdException.class, () -> client.write(ByteBuffer.allocate(512), 0)).errorName());
            }
        }
    }

    @Test
    void exportSmallerThanTheDiskIsRefused() throws Exception {
        try (NbdServerProcess server = NbdServerProcess.nbdkit(dir, "memory", "1M")) {
            NbdException e = assertThrows(NbdException.class, () -> NbdSink.open(server.uri(), (1 << 20) + 512));
            assertEquals(NbdException.EXPORT_TOO_SMALL, e.errorName());
            assertTrue(e.getMessage().contains("the export is 1048576 bytes but the disk needs 1049088"), e.getMessage());
        }
    }

    @Test
    void optInfoAgreesWithNbdinfo() throws Exception {
        try (NbdServerProcess server = NbdServerProcess.nbdkit(dir, "memory", "3M")) {
            String json = ThirdPartyTool.NBDINFO.runOk("--json", server.uri()).stdout();
            ExportInfo info = NbdClient.queryInfo(server.uri());
            assertEquals("NBD_OPT_INFO", info.negotiatedBy());
            assertEquals(Long.parseLong(NbdinfoOutput.jsonField(json, "export-size")), info.size());
            assertEquals(Boolean.parseBoolean(NbdinfoOutput.jsonField(json, "is_read_only")), info.flags().readOnly());
            assertEquals(Boolean.parseBoolean(NbdinfoOutput.jsonField(json, "can_flush")), info.flags().canFlush());
            assertEquals(Boolean.parseBoolean(NbdinfoOutput.jsonField(json, "can_zero")), info.flags().canWriteZeroes());
            assertEquals(Boolean.parseBoolean(NbdinfoOutput.jsonField(json, "can_trim")), info.flags().canTrim());
            assertEquals(Boolean.parseBoolean(NbdinfoOutput.jsonField(json, "can_multi_conn")), info.flags().canMultiConn());
            assertEquals(json.contains("\"base:allocation\""), info.canBlockStatus());
        }
    }

    private static NbdClient clientOf(NbdDisk disk) throws Exception {
        java.lang.reflect.Field f = NbdDisk.class.getDeclaredField("client");
        f.setAccessible(true);
        return (NbdClient) f.get(disk);
    }

    private static long firstBlock(byte[] image, boolean zero) {
        for (int off = 0; off < image.length; off += SparseImage.BLOCK) {
            if (isZero(image, off, SparseImage.BLOCK) == zero) {
                return off;
            }
        }
        throw new AssertionError("no " + (zero ? "zero" : "data") + " block");
    }

    static boolean isZero(byte[] b, long offset, long length) {
        for (long i = offset; i < offset + length; i++) {
            if (b[(int) i] != 0) {
                return false;
            }
        }
        return true;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
