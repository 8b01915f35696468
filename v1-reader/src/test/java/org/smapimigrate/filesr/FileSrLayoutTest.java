package org.smapimigrate.filesr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.inventory.Leftover;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;
import org.smapimigrate.vhd.VhdWriter;

/** SR layouts the corpus does not carry, built with {@link VhdWriter} in a temporary directory. */
class FileSrLayoutTest {
    private static final String A = "11111111-1111-4111-8111-111111111111";
    private static final String B = "22222222-2222-4222-8222-222222222222";
    private static final String C = "33333333-3333-4333-8333-333333333333";
    private static final String R = "44444444-4444-4444-8444-444444444444";

    @TempDir
    Path tmp;

    private Path sr() throws IOException {
        return Files.createDirectories(tmp.resolve("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"));
    }

    private static List<String> codesAt(SrInventory inv, Path p) {
        return inv.problems().stream().filter(x -> x.path().equals(p.toString())).map(Problem::code).toList();
    }

    @Test
    void hardLinkTwinsAreLeftovers() throws IOException {
        Path sr = sr();
        VhdWriter.dynamic(sr.resolve(A + ".vhd"), 2 << 20).create().close();
        Files.createLink(sr.resolve(B + ".vhd"), sr.resolve(A + ".vhd"));
        SrInventory inv = FileSr.open(sr).inventory();
        assertEquals(2, inv.vdis().size());
        List<Leftover> twins = inv.leftovers().stream().filter(l -> l.kind().equals("hardlink-twin")).toList();
        assertEquals(2, twins.size(), inv.leftovers().toString());
        List<Problem> twin = inv.problems().stream().filter(p -> p.code().equals("leftover-hardlink-twin")).toList();
        assertEquals(1, twin.size(), "one cause, one problem: " + twin);
        assertTrue(twin.get(0).covers(sr.resolve(A + ".vhd").toString())
                && twin.get(0).covers(sr.resolve(B + ".vhd").toString()), twin.toString());
    }

    @Test
    void rawParentChain() throws IOException {
        Path sr = sr();
        byte[] raw = new byte[3 << 20];
        new Random(9).nextBytes(raw);
        Files.write(sr.resolve(R + ".raw"), raw);
        byte[] w = new byte[4096];
        new Random(10).nextBytes(w);
        try (VhdWriter vw = VhdWriter.differencing(sr.resolve(A + ".vhd"), sr.resolve(R + ".raw")).rawParent().create()) {
            vw.write(8192, w);
        }
        System.arraycopy(w, 0, raw, 8192, w.length);
        try (FileSr fsr = FileSr.open(sr)) {
            SrInventory inv = fsr.inventory();
            VdiEntry a = inv.vdi(A);
            assertEquals(R, a.parent());
            assertEquals(2, a.depth(), "a raw parent counts (vhd-util query -d)");
            assertTrue(a.readable());
            assertEquals(VdiRole.RAW, inv.vdi(R).role());
            try (VirtualDisk d = fsr.openVdi(A)) {
                ByteBuffer b = ByteBuffer.allocate(raw.length);
                d.read(b, 0);
                assertArrayEquals(raw, b.array());
            }
        }
    }

    @Test
    void journalsAndOddFiles() throws IOException {
        Path sr = sr();
        VhdWriter.dynamic(sr.resolve(A + ".vhd"), 2 << 20).create().close();
        Files.writeString(sr.resolve("relink_" + A), "1");
        Files.writeString(sr.resolve("leaf_" + B), C); // neither C.vhd nor OLD_B.vhd: SM finishes
        Files.write(sr.resolve(".journal-" + A), "vjournal-and-more".getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(sr.resolve(A + ".cbtlog"), "x");
        Files.writeString(sr.resolve("notes.txt"), "x");
        Files.writeString(sr.resolve("sm-hardlink.conf"), "1");
        SrInventory inv = FileSr.open(sr).inventory();
        assertTrue(codesAt(inv, sr.resolve("relink_" + A)).contains("interrupted-relink"));
        Problem leaf = inv.problems().stream().filter(p -> p.code().equals("interrupted-leaf-coalesce")).findFirst()
                .orElseThrow();
        assertTrue(leaf.message().contains("finish"), leaf.message());
        assertTrue(inv.leftovers().stream().anyMatch(l -> l.kind().equals("resize-journal") && A.equals(l.vdiUuid())));
        assertTrue(codesAt(inv, sr.resolve(A + ".cbtlog")).contains("cbt-log"));
        assertTrue(codesAt(inv, sr.resolve("notes.txt")).contains("unknown-file"));
        assertTrue(codesAt(inv, sr.resolve("sm-hardlink.conf")).isEmpty());
        assertEquals(1, inv.vdis().size());
    }

    @Test
    void garbageVdiDoesNotStopTheScan() throws IOException {
        Path sr = sr();
        VhdWriter.dynamic(sr.resolve(A + ".vhd"), 2 << 20).create().close();
        Files.write(sr.resolve(B + ".vhd"), new byte[5000]);
        VhdWriter.differencing(sr.resolve(C + ".vhd"), sr.resolve(B + ".vhd").getParent().resolve(A + ".vhd"))
                .create().close();
        SrInventory inv = FileSr.open(sr).inventory();
        VdiEntry b = inv.vdi(B);
        assertFalse(b.readable());
        assertTrue(codesAt(inv, sr.resolve(B + ".vhd")).contains("not-a-vhd"));
        assertTrue(inv.vdi(A).readable());
        assertEquals(VdiRole.BASE_COPY, inv.vdi(A).role());
        assertTrue(codesAt(inv, sr.resolve(A + ".vhd")).contains("base-copy-not-hidden"));
        assertEquals(2, inv.vdi(C).depth());
    }

    @Test
    void symlinkOutOfTheSrIsAnEscape() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path sr = sr();
        VhdWriter.dynamic(sr.resolve(B + ".vhd"), 2 << 20).create().close();
        VhdWriter.differencing(sr.resolve(A + ".vhd"), sr.resolve(B + ".vhd")).create().close();
        // The locator says ./B.vhd; B.vhd then becomes a link to a file outside the SR.
        Files.move(sr.resolve(B + ".vhd"), outside.resolve(B + ".vhd"));
        Files.createSymbolicLink(sr.resolve(B + ".vhd"), outside.resolve(B + ".vhd"));
        try (FileSr fsr = FileSr.open(sr)) {
            ImageDefectException e = assertThrows(ImageDefectException.class, () -> fsr.openVdi(A).close());
            assertEquals("locator-escape", e.code());
            SrInventory inv = fsr.inventory();
            assertFalse(inv.vdi(A).readable());
            assertTrue(inv.problems().stream().anyMatch(p -> p.severity() == Severity.ERROR
                    && p.code().equals("locator-escape")));
        }
    }

    @Test
    void chainTooLongIsAWarning() throws IOException {
        Path sr = sr();
        Path parent = sr.resolve("00000000-0000-4000-8000-000000000000.vhd");
        VhdWriter.dynamic(parent, 2 << 20).hidden(true).create().close();
        for (int i = 1; i <= 31; i++) {
            Path f = sr.resolve(String.format("00000000-0000-4000-8000-%012d.vhd", i));
            VhdWriter.differencing(f, parent).hidden(i < 31).create().close();
            parent = f;
        }
        SrInventory inv = FileSr.open(sr).inventory();
        VdiEntry leaf = inv.vdi("00000000-0000-4000-8000-000000000031");
        assertEquals(32, leaf.depth());
        assertTrue(leaf.readable());
        assertTrue(codesAt(inv, parent).contains("chain-too-long"));
        assertEquals(VdiRole.USER, leaf.role());
        assertEquals(31, inv.vdis().stream().filter(v -> v.role() == VdiRole.BASE_COPY).count());
    }
}
