package org.smapimigrate.xapi.xva;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smapimigrate.disk.ImageDefectException;

/**
 * The XVA reader against archives written from xva-format.md by {@link XvaWriter} (plain, gzip
 * through the gzip tool, zstd through the zstd tool; {@code .xxhash} and {@code .checksum}; zero
 * chunks omitted, keep-alive members) and against hand-made hostile archives: each gets one typed
 * error naming the member, never a crash and never a short disk.
 */
class XvaArchiveTest {
    static final int MIB = 1 << 20;
    static final String U1 = "11111111-2222-4333-8444-555555555555";
    static final String U2 = "66666666-7777-4888-9999-aaaaaaaaaaaa";

    @TempDir
    Path tmp;

    /** Three and a bit MiB: data in chunks 0, 1 and the last, chunk 2 all zeros (the doc's worked example). */
    static byte[] workedExample() {
        byte[] d = new byte[3 * MIB + 512];
        Random r = new Random(12);
        for (int i = 0; i < 2 * MIB; i += 4096) {
            d[i + r.nextInt(4096)] = (byte) (1 + r.nextInt(255));
        }
        Arrays.fill(d, 3 * MIB, 3 * MIB + 512, (byte) 0x5A);
        return d;
    }

    @ParameterizedTest
    @EnumSource(XvaWriter.Compression.class)
    void everyCompressionAndChecksumReadsBackExactly(XvaWriter.Compression c) throws IOException {
        byte[] a = workedExample();
        byte[] b = new byte[2 * MIB];
        new Random(3).nextBytes(b);
        for (XvaWriter.Checksum sum : XvaWriter.Checksum.values()) {
            for (boolean omit : new boolean[] {false, true}) {
                Path xva = tmp.resolve(c + "-" + sum + "-" + omit + ".xva");
                new XvaWriter().compression(c).checksum(sum).omitZeroChunks(omit).keepAlives(omit)
                        .disk(XvaWriter.Disk.of("Ref:12", U1, "root", a, "0"))
                        .disk(XvaWriter.Disk.of("Ref:2", U2, "data", b, "1")).write(xva);
                try (XvaArchive x = XvaArchive.open(Files.newInputStream(xva), xva.toString())) {
                    assertEquals(c.name(), x.compression().name());
                    // Ref:12 sorts before Ref:2: chunks follow the export ids compared as strings.
                    assertEquals(List.of("Ref:12", "Ref:2"), x.header().disks().stream().map(XvaVdi::ref).toList());
                    assertEquals("test VM", x.header().vmName());
                    assertEquals(U1, x.header().disk("Ref:12").uuid());
                    assertEquals("0", x.header().disk("Ref:12").userdevice());
                    assertEquals(3 * MIB + 512, x.header().disk("Ref:12").virtualSize());
                }
                Map<String, byte[]> read = XvaReading.readAll(xva);
                assertArrayEquals(a, read.get("Ref:12"), xva.toString());
                assertArrayEquals(b, read.get("Ref:2"), xva.toString());
            }
        }
    }

    /** Archives written by Python's tarfile, gzip, zstd and xxhsum (fuzz/make-xva-seeds), not by us. */
    @Test
    void archivesMadeByOtherToolsReadBack() throws Exception {
        Path dir = Path.of(getClass().getResource("XvaFuzzTestInputs/readArchive").toURI());
        byte[] small = new byte[4096];
        for (int i = 0; i < small.length; i++) {
            small[i] = (byte) i;
        }
        byte[] other = new byte[8192];
        byte[] seed = "xva seed".getBytes(StandardCharsets.US_ASCII);
        for (int i = 4096; i < other.length; i++) {
            other[i] = seed[i % seed.length];
        }
        byte[] sparse = new byte[3 * MIB + 1024];
        Arrays.fill(sparse, 0, 512, (byte) 1);
        Arrays.fill(sparse, 3 * MIB + 512, sparse.length, (byte) 0x5A);
        assertArrayEquals(small, XvaReading.readAll(dir.resolve("plain-xxhash")).get("Ref:3"));
        assertArrayEquals(other, XvaReading.readAll(dir.resolve("plain-checksum-vsn1")).get("Ref:3"));
        assertArrayEquals(sparse, XvaReading.readAll(dir.resolve("gzip-keepalive.gz")).get("Ref:12"));
        Map<String, byte[]> two = XvaReading.readAll(dir.resolve("zstd-two-disks.zst"));
        assertEquals(List.of("Ref:10", "Ref:9"), List.copyOf(two.keySet()));
        assertArrayEquals(small, two.get("Ref:10"));
        assertArrayEquals(other, two.get("Ref:9"));
    }

    @Test
    void aUuidTwoDisksClaimNamesNeither() throws IOException {
        Path xva = tmp.resolve("twins.xva");
        new XvaWriter().disk(XvaWriter.Disk.of("Ref:3", U1, "a", new byte[MIB], "0"))
                .disk(XvaWriter.Disk.of("Ref:4", U1.toUpperCase(), "b", new byte[MIB], "1")).write(xva);
        try (XvaArchive x = XvaArchive.open(Files.newInputStream(xva), "twins.xva")) {
            assertEquals(java.util.Arrays.asList(null, null), x.header().disks().stream().map(XvaVdi::uuid).toList());
        }
    }

    @Test
    void theCdImageCarriesNoDataAndIsNotADisk() throws IOException {
        Path xva = tmp.resolve("vm.xva");
        new XvaWriter().disk(XvaWriter.Disk.of("Ref:5", U1, "root", new byte[MIB], "0")).write(xva);
        try (XvaArchive x = XvaArchive.open(Files.newInputStream(xva), "vm.xva")) {
            assertEquals(1, x.header().disks().size());
        }
    }

    @Test
    void aDiskAskedOutOfArchiveOrderIsRefusedNotMisread() throws IOException {
        Path xva = tmp.resolve("vm.xva");
        new XvaWriter().disk(XvaWriter.Disk.of("Ref:3", U1, "a", new byte[MIB], "0"))
                .disk(XvaWriter.Disk.of("Ref:4", U2, "b", new byte[MIB], "1")).write(xva);
        try (XvaArchive x = XvaArchive.open(Files.newInputStream(xva), "vm.xva")) {
            x.disk("Ref:4");
            IOException e = assertThrows(IOException.class, () -> x.disk("Ref:3"));
            assertTrue(e.getMessage().contains("read past"), e.getMessage());
        }
    }

    @Test
    void aWrongChecksumIsReportedByMemberName() throws IOException {
        byte[] data = workedExample();
        List<Object[]> m = members(data, "Ref:12", true);
        byte[] chunk1 = (byte[]) m.get(3)[1];
        chunk1[77] ^= 1; // data of Ref:12/00000001 changed after its checksum was taken
        ImageDefectException e = assertThrows(ImageDefectException.class, () -> XvaReading.readAll(tar(m)));
        assertEquals("xva-checksum-mismatch", e.code());
        assertTrue(e.getMessage().contains("Ref:12/00000001"), e.getMessage());
        assertTrue(e.getMessage().contains("Ref:12/00000001.xxhash"), e.getMessage());
    }

    @Test
    void aWrongSha1ChecksumIsReportedToo() throws IOException {
        List<Object[]> m = members(workedExample(), "Ref:12", false);
        m.get(2)[1] = "0000000000000000000000000000000000000000".getBytes(StandardCharsets.US_ASCII);
        ImageDefectException e = assertThrows(ImageDefectException.class, () -> XvaReading.readAll(tar(m)));
        assertEquals("xva-checksum-mismatch", e.code());
        assertTrue(e.getMessage().contains("Ref:12/00000000.checksum"), e.getMessage());
    }

    @Test
    void aTruncatedArchiveIsAnErrorAtEveryCut() throws IOException {
        byte[] whole = tar(members(workedExample(), "Ref:12", true));
        List<Integer> cuts = new ArrayList<>(List.of(0, 100, 511, 512, 600, whole.length - 1024, whole.length - 513,
                whole.length - 512, whole.length - 1));
        Random r = new Random(5);
        for (int i = 0; i < 40; i++) {
            cuts.add(r.nextInt(whole.length));
        }
        for (int cut : cuts) {
            byte[] part = Arrays.copyOf(whole, cut);
            ImageDefectException e = assertThrows(ImageDefectException.class, () -> XvaReading.readAll(part),
                    "cut at " + cut);
            // Cut inside the first header: nothing says it was ever an XVA.
            assertEquals(cut < 512 ? "xva-not-an-xva" : "xva-truncated", e.code(), e.getMessage());
        }
    }

    @Test
    void theWorkedExampleHasTheDocumentedLayout() throws IOException {
        // xva-format.md section 6 with a 5321-byte ova.xml: member offsets and the 2 109 440-byte total.
        byte[] xml = (byte[]) members(workedExample(), "Ref:12", true).get(0)[1];
        byte[] padded = Arrays.copyOf(xml, 5321);
        Arrays.fill(padded, xml.length, padded.length, (byte) ' ');
        byte[] t = tar(members(workedExample(), "Ref:12", true, padded));
        assertEquals(2_109_440, t.length);
        assertEquals("Ref:12/00000003", new String(t, 2106368, 15, StandardCharsets.US_ASCII));
        assertArrayEquals(workedExample(), XvaReading.readAll(t).get("Ref:12"));
    }

    @Test
    void hostileArchivesGetOneTypedError() throws IOException {
        byte[] one = new byte[MIB];
        one[5] = 1;
        String xml = new String(new XvaWriter().cdrom(false).disk(XvaWriter.Disk.of("Ref:7", U1, "d", new byte[2 * MIB], "0"))
                .ovaXml(), StandardCharsets.UTF_8);
        byte[] ok = xml.getBytes(StandardCharsets.UTF_8);
        String h = XxHash64.hex(one, 0, MIB);
        String z = XxHash64.hex(new byte[MIB], 0, MIB);
        // duplicate chunk
        expect("xva-chunk-order", ok, "Ref:7/00000000", one, "Ref:7/00000000.xxhash", h, "Ref:7/00000000", one,
                "Ref:7/00000000.xxhash", h);
        // out of order (in a 3 MiB disk, so that chunk 1 does not complete it)
        byte[] ok3 = new String(ok, StandardCharsets.UTF_8).replace("<value>2097152</value>", "<value>3145728</value>")
                .getBytes(StandardCharsets.UTF_8);
        expect("xva-chunk-order", ok3, "Ref:7/00000001", one, "Ref:7/00000001.xxhash", h, "Ref:7/00000000", one,
                "Ref:7/00000000.xxhash", h);
        // a chunk past virtual_size
        expect("xva-chunk-past-end", ok, "Ref:7/00000000", one, "Ref:7/00000000.xxhash", h, "Ref:7/00000002", one,
                "Ref:7/00000002.xxhash", h);
        expect("xva-chunk-past-end", ok, "Ref:7/00000000", one, "Ref:7/00000000.xxhash", h,
                "Ref:7/999999999999999999", one, "Ref:7/999999999999999999.xxhash", h);
        // path-like names where a chunk belongs
        expect("xva-unexpected-member", ok, "../../etc/passwd", one, "x.xxhash", h);
        expect("xva-unexpected-member", ok, "Ref:7/../00000000", one, "Ref:7/../00000000.xxhash", h);
        expect("xva-unexpected-member", ok, "Ref:7/-0000001", one);
        // checksum member missing or of an unknown kind
        expect("xva-missing-checksum", ok, "Ref:7/00000000", one, "Ref:7/00000000.md5", h);
        expect("xva-missing-checksum", ok, "Ref:7/00000000", one, "Ref:7/00000001", one);
        // a chunk larger than 1 MiB
        expect("xva-chunk-size", ok, "Ref:7/00000000", new byte[MIB + 512], "Ref:7/00000000.xxhash", h);
        // members after the last disk
        expect("xva-unexpected-member", ok, "Ref:7/00000000", new byte[MIB], "Ref:7/00000000.xxhash", z,
                "Ref:7/00000001", new byte[MIB], "Ref:7/00000001.xxhash", z, "extra", one);
        // ova.xml: not first, not XML-RPC, path-like id, absurd size, XVA 0.1
        expect("xva-bad-metadata", "hello".getBytes(), "Ref:7/00000000", one);
        expectFirst("xva-not-an-xva", "README", "hi".getBytes());
        expectXml("xva-bad-metadata", "<value><struct><member><name>objects</name><value><array><data>"
                + "<value><struct><member><name>class</name><value>VDI</value></member><member><name>id</name>"
                + "<value>Ref:../../x</value></member><member><name>snapshot</name><value><struct>"
                + "<member><name>virtual_size</name><value>1048576</value></member></struct></value></member>"
                + "</struct></value>" + vbd("Ref:../../x") + "</data></array></value></member></struct></value>");
        expectXml("xva-bad-metadata", xml.replace("<value>2097152</value>", "<value>99999999999999999999</value>"));
        expectXml("xva-bad-metadata", xml.replace("<value>2097152</value>", "<value>-5</value>"));
        expectXml("xva-bad-metadata", "<appliance version=\"0.1\"/>");
        expectXml("xva-bad-metadata", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><value>&e;</value>");
        expectXml("xva-bad-metadata", "<value>" + "<array><data><value>".repeat(100) + "x"
                + "</value></data></array>".repeat(100) + "</value>");
        // not a tar at all
        ImageDefectException e = assertThrows(ImageDefectException.class,
                () -> XvaReading.readAll(new byte[1024]));
        assertEquals("xva-not-an-xva", e.code());
    }

    @Test
    void aHugeTarSizeFieldIsRefusedBeforeAnythingIsAllocated() throws IOException {
        byte[] t = tar(List.<Object[]>of(new Object[] {"ova.xml", "<value>x</value>".getBytes()}));
        // Rewrite ova.xml's size field (offset 124, 12 octal digits) to 8 GiB - 1 and fix the checksum.
        byte[] huge = Arrays.copyOf(t, t.length);
        byte[] size = "77777777777\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, huge, 124, 12);
        Arrays.fill(huge, 148, 156, (byte) ' ');
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += huge[i] & 0xFF;
        }
        byte[] chk = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(chk, 0, huge, 148, 8);
        ImageDefectException e = assertThrows(ImageDefectException.class, () -> XvaReading.readAll(huge));
        assertEquals("xva-bad-metadata", e.code(), e.getMessage());
    }

    @Test
    void keepAliveMembersShiftNumbersNotPositions() throws IOException {
        byte[] d = workedExample();
        Path xva = tmp.resolve("ka.xva");
        new XvaWriter().omitZeroChunks(true).keepAlives(true).disk(XvaWriter.Disk.of("Ref:12", U1, "r", d, "0")).write(xva);
        // The last chunk (bytes at 3 MiB) goes under number 4 after the keep-alive at number 2.
        assertTrue(tarNames(Files.readAllBytes(xva)).contains("Ref:12/00000004"));
        assertArrayEquals(d, XvaReading.readAll(xva).get("Ref:12"));
    }

    @Test
    void readsBehindWhatWasReadAreRefused() throws IOException {
        Path xva = tmp.resolve("vm.xva");
        new XvaWriter().disk(XvaWriter.Disk.of("Ref:3", U1, "a", workedExample(), "0")).write(xva);
        try (XvaArchive x = XvaArchive.open(Files.newInputStream(xva), "vm.xva")) {
            XvaDisk d = x.disk("Ref:3");
            d.read(ByteBuffer.allocate(4096), 2 * MIB);
            assertThrows(IOException.class, () -> d.read(ByteBuffer.allocate(512), 0));
        }
    }

    private static String vbd(String vdi) {
        return "<value><struct><member><name>class</name><value>VBD</value></member><member><name>id</name>"
                + "<value>Ref:1</value></member><member><name>snapshot</name><value><struct><member><name>VDI</name>"
                + "<value>" + vdi + "</value></member><member><name>type</name><value>Disk</value></member>"
                + "</struct></value></member></struct></value>";
    }

    private static void expect(String code, byte[] xml, Object... nameThenData) {
        List<Object[]> m = new ArrayList<>();
        m.add(new Object[] {"ova.xml", xml});
        for (int i = 0; i < nameThenData.length; i += 2) {
            Object v = nameThenData[i + 1];
            m.add(new Object[] {nameThenData[i], v instanceof String s ? s.getBytes(StandardCharsets.US_ASCII) : v});
        }
        ImageDefectException e = assertThrows(ImageDefectException.class, () -> XvaReading.readAll(tar(m)),
                String.valueOf(nameThenData[0]));
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    private static void expectFirst(String code, String name, byte[] data) {
        ImageDefectException e = assertThrows(ImageDefectException.class,
                () -> XvaReading.readAll(tar(List.<Object[]>of(new Object[] {name, data}))));
        assertEquals(code, e.code(), e.getMessage());
    }

    private static void expectXml(String code, String xml) {
        ImageDefectException e = assertThrows(ImageDefectException.class, () -> XvaReading.readAll(
                tar(List.<Object[]>of(new Object[] {"ova.xml", xml.getBytes(StandardCharsets.UTF_8)}))));
        assertEquals(code, e.code(), e.getMessage());
    }

    /** ova.xml and the chunk members of one disk, every chunk written except all-zero middle ones. */
    static List<Object[]> members(byte[] disk, String ref, boolean xxhash) {
        return members(disk, ref, xxhash, new XvaWriter().cdrom(false)
                .disk(XvaWriter.Disk.of(ref, U1, "d", disk, "0")).ovaXml());
    }

    static List<Object[]> members(byte[] disk, String ref, boolean xxhash, byte[] xml) {
        List<Object[]> m = new ArrayList<>();
        m.add(new Object[] {"ova.xml", xml});
        int chunks = (disk.length + MIB - 1) / MIB;
        for (int i = 0; i < chunks; i++) {
            byte[] c = Arrays.copyOfRange(disk, i * MIB, Math.min(disk.length, (i + 1) * MIB));
            boolean zero = true;
            for (byte x : c) {
                zero &= x == 0;
            }
            if (zero && i != 0 && i != chunks - 1) {
                continue;
            }
            String name = String.format("%s/%08d", ref, i);
            m.add(new Object[] {name, c});
            String sum;
            if (xxhash) {
                sum = XxHash64.hex(c, 0, c.length);
            } else {
                try {
                    sum = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(c));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
            m.add(new Object[] {name + (xxhash ? ".xxhash" : ".checksum"), sum.getBytes(StandardCharsets.US_ASCII)});
        }
        return m;
    }

    static byte[] tar(List<Object[]> members) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out, 512)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
            for (Object[] m : members) {
                byte[] data = (byte[]) m[1];
                TarArchiveEntry e = new TarArchiveEntry((String) m[0], true);
                e.setSize(data.length);
                t.putArchiveEntry(e);
                t.write(data);
                t.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    static List<String> tarNames(byte[] t) throws IOException {
        List<String> names = new ArrayList<>();
        try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new java.io.ByteArrayInputStream(t))) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
