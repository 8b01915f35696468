package org.smapimigrate.filesr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.testing.HostileFileSr;
import org.smapimigrate.vhd.VhdWriter;

/**
 * A file SR whose bytes try to send the reader elsewhere: GC journals holding NUL, '/', '..' or
 * the name of a link out of the SR, parent locators naming links to files outside, VDI files and
 * journals that are themselves such links. Outside the SR wait a FIFO (opening it for reading
 * blocks, so any open hangs the scan and the timeout fails the test) and a bait: a perfectly good
 * copy of the parent the child wants (reading it would make the chain readable). The scan must
 * report findings, never throw, never hang, and never read the bait.
 */
class HostileSrTest {
    private static final String A = HostileFileSr.A;
    private static final String B = HostileFileSr.B;
    private static final String C = HostileFileSr.C;
    private static final String D = HostileFileSr.D;

    @TempDir
    Path tmp;

    @Test
    void hostileValuesAreFindingsAndNothingOutsideIsOpened() throws Exception {
        HostileFileSr h = HostileFileSr.build(tmp);
        Path sr = h.sr();

        SrInventory inv = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> FileSr.open(sr).inventory(),
                "the scan blocked: something opened the FIFO outside the SR");

        for (String leafJournal : List.of("leaf_" + B, "leaf_" + C, "leaf_" + HostileFileSr.E,
                "leaf_" + HostileFileSr.F)) {
            assertTrue(codesAt(inv, sr.resolve(leafJournal)).contains("journal-value-invalid"),
                    leafJournal + ": " + codesAt(inv, sr.resolve(leafJournal)));
        }
        // A plain name that is a link out is looked up in the listing only: no parent file is there.
        assertTrue(codesAt(inv, sr.resolve("leaf_" + A)).contains("interrupted-leaf-coalesce"));
        assertTrue(codesAt(inv, sr.resolve(C + ".vhd")).contains("symlink-ignored"));
        assertTrue(codesAt(inv, sr.resolve("leaf_" + D)).contains("symlink-ignored"));

        VdiEntry a = inv.vdi(A);
        VdiEntry b = inv.vdi(B);
        assertFalse(a.readable(), "A read its parent through a link out of the SR");
        assertFalse(b.readable());
        assertTrue(codesAt(inv, sr.resolve(A + ".vhd")).contains("locator-escape"), codesAt(inv, sr.resolve(A + ".vhd")).toString());
        assertTrue(codesAt(inv, sr.resolve(B + ".vhd")).contains("locator-escape"));
        assertEquals(null, inv.vdi(C), "a link out of the SR became a VDI");

        try (FileSr opened = FileSr.open(sr)) {
            ImageDefectException e = assertThrows(ImageDefectException.class, () -> opened.openVdi(C));
            assertEquals("outside-sr", e.code());
            assertEquals("locator-escape", assertThrows(ImageDefectException.class, () -> opened.openVdi(A)).code());
            assertEquals("locator-escape", assertThrows(ImageDefectException.class, () -> opened.openVdi(B)).code());
        }
    }

    @Test
    void linksThatStayInsideAreFollowed() throws Exception {
        Path sr = Files.createDirectories(tmp.resolve("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")).toRealPath();
        Path sub = Files.createDirectories(sr.resolve("sub"));
        Path parent = sr.resolve("p.vhd");
        VhdWriter.dynamic(parent, 2 << 20).create().close();
        VhdWriter.differencing(sr.resolve(A + ".vhd"), parent).create().close();
        Files.move(parent, sub.resolve("real-parent.vhd"));
        Files.createSymbolicLink(parent, Path.of("sub/../sub/real-parent.vhd"));
        SrInventory inv = FileSr.open(sr).inventory();
        assertTrue(inv.vdi(A).readable(), inv.problems().toString());
    }

    private static List<String> codesAt(SrInventory inv, Path p) {
        return inv.problems().stream().filter(x -> x.path().equals(p.toString())).map(Problem::code).toList();
    }
}
