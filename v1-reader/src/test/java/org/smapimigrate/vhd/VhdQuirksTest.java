package org.smapimigrate.vhd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.chain.VhdChain;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.disk.RawFileDisk;
import org.smapimigrate.filesr.FileSr;

/** Creator quirks and damage cases of doc part C/E that the corpus does not carry. */
class VhdQuirksTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    /** A 4 MiB dynamic VHD with block 0 full and a few sectors of block 1; returns its expected bytes. */
    private byte[] sample(Path file) throws IOException {
        byte[] model = new byte[4 * MIB];
        byte[] d = new byte[2 * MIB];
        new Random(3).nextBytes(d);
        try (VhdWriter w = VhdWriter.dynamic(file, model.length).create()) {
            w.write(0, d);
            w.write(2L * MIB + 1024, Arrays.copyOf(d, 1536));
        }
        System.arraycopy(d, 0, model, 0, d.length);
        System.arraycopy(d, 0, model, 2 * MIB + 1024, 1536);
        return model;
    }

    private static byte[] flatten(VhdChain c) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) c.size());
        c.read(b, 0);
        return b.array();
    }

    private static List<String> codes(VhdChain c) {
        return c.findings().stream().map(Finding::code).toList();
    }

    private static void putFooter(byte[] file, int at, VhdFooter f) {
        System.arraycopy(f.toBytes(), 0, file, at, VhdFooter.SIZE);
    }

    private static VhdFooter footerAt(byte[] file, int at) {
        return VhdFooter.parse(ByteBuffer.wrap(file, at, VhdFooter.SIZE));
    }

    @Test
    void tapdiskHiddenByteOutsideTheChecksum() {
        VhdFooter f = new VhdFooter.Builder().creatorVersion(VhdFormat.version(1, 1)).size(MIB)
                .diskType(VhdDiskType.DYNAMIC).dataOffset(512).build();
        byte[] raw = f.toBytes();
        raw[85] = 1; // early td-util set hidden without recomputing the checksum
        VhdFooter hidden = VhdFooter.parse(raw);
        assertTrue(hidden.isValid());
        assertTrue(hidden.checksumIgnoresHidden());
        assertTrue(hidden.hidden());

        VhdFooter modern = new VhdFooter.Builder().size(MIB).diskType(VhdDiskType.DYNAMIC).dataOffset(512).build();
        byte[] raw13 = modern.toBytes();
        raw13[85] = 1;
        assertFalse(VhdFooter.parse(raw13).isValid(), "tap 1.3 gets no such leniency");
    }

    @Test
    void tap11HiddenFlagComesFromTheCopyAtZero() throws IOException {
        Path f = tmp.resolve("old.vhd");
        byte[] model = sample(f);
        byte[] bytes = Files.readAllBytes(f);
        int end = bytes.length - VhdFooter.SIZE;
        VhdFooter v11 = new VhdFooter.Builder(footerAt(bytes, end)).creatorVersion(VhdFormat.version(1, 1)).build();
        putFooter(bytes, end, v11);
        byte[] copy = v11.toBytes();
        copy[85] = 1; // vhd_hidden reads the offset-0 copy of tap 0.1/1.1 images
        System.arraycopy(copy, 0, bytes, 0, VhdFooter.SIZE);
        Files.write(f, bytes);
        try (VhdChain c = FileSr.openVhdFile(f)) {
            assertTrue(c.leaf().hidden());
            assertFalse(c.leaf().footer().hidden());
            assertTrue(codes(c).contains("footer-copies-differ"), c.findings().toString());
            assertArrayEquals(model, flatten(c));
        }
    }

    @Test
    void tap01BitmapsAreRefused() throws IOException {
        Path f = tmp.resolve("v01.vhd");
        sample(f);
        byte[] bytes = Files.readAllBytes(f);
        int end = bytes.length - VhdFooter.SIZE;
        VhdFooter v01 = new VhdFooter.Builder(footerAt(bytes, end)).creatorVersion(VhdFormat.version(0, 1)).build();
        putFooter(bytes, end, v01);
        putFooter(bytes, 0, v01);
        Files.write(f, bytes);
        ImageDefectException e = assertThrows(ImageDefectException.class, () -> FileSr.openVhdFile(f).close());
        assertEquals("old-bitmap-format", e.code());
    }

    @Test
    void poisonedCookieMeansAnInterruptedResize() throws IOException {
        Path f = tmp.resolve("poison.vhd");
        sample(f);
        byte[] bytes = Files.readAllBytes(f);
        for (int at : new int[] {0, bytes.length - VhdFooter.SIZE}) {
            System.arraycopy(VhdFooter.POISON_COOKIE.getBytes(StandardCharsets.ISO_8859_1), 0, bytes, at, 8);
            ByteBuffer b = ByteBuffer.wrap(bytes);
            b.putInt(at + 64, VhdChecksum.compute(b, at, VhdFooter.SIZE, 64));
        }
        Files.write(f, bytes);
        ImageDefectException e = assertThrows(ImageDefectException.class, () -> FileSr.openVhdFile(f).close());
        assertEquals("interrupted-resize", e.code());
    }

    @Test
    void encryptedImagesAreRefused() throws IOException {
        Path f = tmp.resolve("enc.vhd");
        sample(f);
        byte[] bytes = Files.readAllBytes(f);
        int batmapHeader;
        try (VhdImage img = VhdImage.open(RawFileDisk.open(f), "x")) {
            assertFalse(img.encrypted());
            batmapHeader = (int) (img.header().tableOffset() + VhdFormat.padToSector(img.header().maxBatSize() * 4));
        }
        bytes[batmapHeader + 29] = 1; // keyhash.cookie: outside the map checksum
        Files.write(f, bytes);
        try (VhdImage img = VhdImage.open(RawFileDisk.open(f), "x")) {
            assertTrue(img.encrypted());
            assertTrue(img.batmap().trusted());
        }
        ImageDefectException e = assertThrows(ImageDefectException.class, () -> FileSr.openVhdFile(f).close());
        assertEquals("encrypted", e.code());
    }

    @Test
    void shortFooterIsRead() throws IOException {
        Path f = tmp.resolve("short.vhd");
        byte[] model = sample(f);
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(bytes, bytes.length - 1)); // the last (reserved, zero) byte is gone
        try (VhdChain c = FileSr.openVhdFile(f)) {
            assertEquals(VhdImage.FooterSource.SHORT, c.leaf().footerSource());
            assertTrue(codes(c).contains("short-footer"));
            assertArrayEquals(model, flatten(c));
        }
    }

    @Test
    void blockCutShortReadsZerosPastTheEnd() throws IOException {
        Path f = tmp.resolve("cut.vhd");
        byte[] model = sample(f);
        byte[] bytes = Files.readAllBytes(f);
        long block1;
        try (VhdImage img = VhdImage.open(RawFileDisk.open(f), "x")) {
            block1 = img.blockDataOffset(1);
        }
        // Keep block 1's first 3 sectors, then the footer: vhd-util coalesce -s can leave this.
        int keep = (int) block1 + 1536;
        byte[] cut = Arrays.copyOf(bytes, keep + VhdFooter.SIZE);
        System.arraycopy(bytes, bytes.length - VhdFooter.SIZE, cut, keep, VhdFooter.SIZE);
        Files.write(f, cut);
        Arrays.fill(model, 2 * MIB + 1536, model.length, (byte) 0);
        try (VhdChain c = FileSr.openVhdFile(f)) {
            assertTrue(codes(c).contains("block-cut-short"), c.findings().toString());
            assertArrayEquals(model, flatten(c));
        }
    }

    @Test
    void backupFooterCorruptIsReportedButReadable() throws IOException {
        Path f = tmp.resolve("b.vhd");
        byte[] model = sample(f);
        byte[] bytes = Files.readAllBytes(f);
        bytes[3] ^= 0x55;
        Files.write(f, bytes);
        try (VhdChain c = FileSr.openVhdFile(f)) {
            assertTrue(codes(c).contains("backup-footer-corrupt"));
            assertNull(c.leaf().footerCopy());
            assertArrayEquals(model, flatten(c));
        }
    }

    @Test
    void locatorDecoding() {
        assertEquals("./p.vhd", ParentLocator.decode(PlatformCode.MACX, "file://./p.vhd".getBytes(StandardCharsets.UTF_8)));
        assertNull(ParentLocator.decode(PlatformCode.MACX, "./p.vhd".getBytes(StandardCharsets.UTF_8)));
        assertEquals("./p.vhd", ParentLocator.decode(PlatformCode.W2RU, ".\\p.vhd\0\0".getBytes(StandardCharsets.UTF_16LE)));
        assertEquals("/srv/p.vhd", ParentLocator.decode(PlatformCode.W2KU, "C:\\srv\\p.vhd".getBytes(StandardCharsets.UTF_16LE)));
        assertEquals("./p.vhd", ParentLocator.decode(PlatformCode.WI2R, ".\\p.vhd".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals("/x/p.vhd", ParentLocator.decode(PlatformCode.WI2K, "c:\\x\\p.vhd".getBytes(StandardCharsets.ISO_8859_1)));
        assertNull(ParentLocator.decode(PlatformCode.MAC, new byte[] {1, 2, 3}));
        assertEquals(512, ParentLocator.spaceBytes(1), "below 512: sectors (vhd-lib)");
        assertEquals(1024, ParentLocator.spaceBytes(1024), "a multiple of 512: bytes (blktap)");
        assertEquals(-1, ParentLocator.spaceBytes(700));
    }

    @Test
    void bitmapRunsAreMsbFirst() {
        byte[] bits = new byte[512];
        bits[0] = (byte) 0b0111_0000; // sectors 1-3
        bits[12] = (byte) 0xFF;       // sectors 96-103
        bits[13] = (byte) 0x80;       // sector 104
        SectorBitmap bm = new SectorBitmap(bits, 4096);
        assertFalse(bm.isSet(0));
        assertTrue(bm.isSet(1));
        assertEquals(1, bm.runEnd(0, 4096));
        assertEquals(4, bm.runEnd(1, 4096));
        assertEquals(96, bm.runEnd(4, 4096));
        assertEquals(105, bm.runEnd(96, 4096));
        assertEquals(4096, bm.runEnd(105, 4096));
        assertEquals(100, bm.runEnd(96, 100));
        assertTrue(bm.allSet(96, 105));
        assertFalse(bm.allSet(95, 105));
    }

    @Test
    void chsGeometryMatchesTheFooters() throws IOException {
        // blktap wrote these geometries into the corpus footers (vhd_chs).
        for (String rel : new String[] {"file-sr/b0fca227-5603-4f8a-b1be-036360633f13/08b6dcc8-7e65-4fbf-b7e6-d95ae7e1b529.vhd",
                "file-sr/b0fca227-5603-4f8a-b1be-036360633f13/b3ad6704-fbc4-4cbf-aee8-256558fb57c3.vhd",
                "dialects/blktap-prealloc/91976a97-1acc-4c6f-a862-e84280770fca.vhd"}) {
            try (VhdImage img = VhdImage.open(RawFileDisk.open(org.smapimigrate.testing.Corpus.path(rel)), rel)) {
                assertEquals(img.footer().geometry(), VhdFooter.chsGeometry(img.virtualSize()), rel);
            }
        }
    }
}
