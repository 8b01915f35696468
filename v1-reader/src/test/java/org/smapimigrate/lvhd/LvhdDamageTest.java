package org.smapimigrate.lvhd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.lvm.LvmCorpus;
import org.smapimigrate.lvm.PvHeadEditor;

/**
 * Damaged copies of the corpus SR: each defect costs the VDIs it touches, is reported as a
 * problem, and leaves every other VDI exporting its expected bytes.
 */
class LvhdDamageTest {
    private static final long PE_START = 11_534_336L;
    private static final long EXTENT = 4L << 20;
    private static final String BASE = "VHD-12e9978e-9cc0-423b-9dc5-5ff20ac50018";

    @TempDir
    Path dir;

    @Test
    void aBaseCopyWhoseLvWasRenamedIsFoundByItsFooterUuid() throws IOException {
        PvHeadEditor ed = new PvHeadEditor();
        String renamed = "VHD-12e9978e-9cc0-423b-9dc5-000000000000";
        ed.text(ed.text().replace(BASE + " {", renamed + " {"));
        try (LvhdSr sr = LvhdSr.open(List.of(ed.writeFull(dir, "pv.img")))) {
            SrInventory inv = sr.inventory();
            for (String child : List.of("VHD-ca470caf-5828-44dd-8a1a-eb097a998ecc",
                    "VHD-95e00d28-d8b1-41e0-b1b2-8f9265b160c4")) {
                assertTrue(inv.problems().stream().anyMatch(p -> p.code().equals("parent-locator-unresolved")
                        && p.path().equals(child) && p.message().contains(renamed)), child);
            }
            assertEquals("12e9978e-9cc0-423b-9dc5-000000000000",
                    inv.vdi("ca470caf-5828-44dd-8a1a-eb097a998ecc").parent());
            String baseHash = null;
            for (JsonNode m : LvmCorpus.sr().get("vdis")) {
                if (m.get("lv").asText().equals(BASE)) {
                    baseHash = m.get("expected_sha256").asText();
                }
            }
            try (VirtualDisk disk = sr.openVolume(renamed)) {
                assertEquals(baseHash, LvhdCorpusTest.sha256(disk));
            }
            assertAllOtherVdisExport(sr, List.of(BASE.substring(4)));
        }
    }

    @Test
    void anLvNameLvmWouldRefuseNeverBecomesAVdi() throws IOException {
        String esc = String.valueOf((char) 27);
        for (String hostile : List.of("VHD-../../../tmp/escape", "VHD-a/b", "VHD-" + esc + "[31m", "..", "-VHD-x")) {
            PvHeadEditor ed = new PvHeadEditor();
            ed.text(ed.text().replace(BASE + " {", "\"" + hostile + "\" {"));
            try (LvhdSr sr = LvhdSr.open(List.of(ed.writeFull(dir, "pv.img")))) {
                assertTrue(sr.volumeGroup().volumeGroup().lv(hostile).isPresent(), "the LV is not named " + hostile);
                SrInventory inv = sr.inventory();
                assertTrue(inv.vdis().stream().noneMatch(v -> hostile.equals(v.lv()) || v.uuid().contains("/")
                        || v.uuid().contains(esc) || v.uuid().equals("..")), hostile + ": " + inv.vdis());
                assertEquals(1, errors(inv, "lv-name-invalid", hostile).size(), hostile + ": " + inv.problems());
                assertThrows(ImageDefectException.class, () -> sr.openVdi("../../../tmp/escape").close());
            }
            java.nio.file.Files.delete(dir.resolve("pv.img"));
        }
    }

    @Test
    void aMissingParentMakesOnlyItsChildrenUnreadable() throws IOException {
        PvHeadEditor ed = new PvHeadEditor();
        ed.text(ed.text().replace(BASE + " {", "gone_" + BASE.substring(4) + " {"));
        try (LvhdSr sr = LvhdSr.open(List.of(ed.writeFull(dir, "pv.img")))) {
            SrInventory inv = sr.inventory();
            List<String> children = List.of("ca470caf-5828-44dd-8a1a-eb097a998ecc", "95e00d28-d8b1-41e0-b1b2-8f9265b160c4");
            for (String child : children) {
                VdiEntry v = inv.vdi(child);
                assertFalse(v.readable(), child);
                assertNull(v.parent());
                assertEquals(1, errors(inv, "missing-parent", "VHD-" + child).size(), child);
                ImageDefectException e = assertThrows(ImageDefectException.class, () -> sr.openVdi(child).close());
                assertEquals("missing-parent", e.code());
            }
            assertTrue(inv.problems().stream().anyMatch(p -> p.code().equals("unknown-lv")));
            List<String> gone = new java.util.ArrayList<>(children);
            gone.add(BASE.substring(4));
            assertAllOtherVdisExport(sr, gone);
        }
    }

    @Test
    void anUnsupportedSegmentCostsOnlyThatVdi() throws IOException {
        PvHeadEditor ed = new PvHeadEditor();
        String text = ed.text();
        String lv = "VHD-95e00d28-d8b1-41e0-b1b2-8f9265b160c4";
        int at = text.indexOf(lv + " {");
        int seg = text.indexOf("type = \"striped\"", at);
        ed.text(text.substring(0, seg) + "type = \"thin\"" + text.substring(seg + "type = \"striped\"".length()));
        try (LvhdSr sr = LvhdSr.open(List.of(ed.writeFull(dir, "pv.img")))) {
            SrInventory inv = sr.inventory();
            assertFalse(inv.vdi("95e00d28-d8b1-41e0-b1b2-8f9265b160c4").readable());
            assertEquals(1, errors(inv, "unsupported-segment", lv).size());
            assertAllOtherVdisExport(sr, List.of("95e00d28-d8b1-41e0-b1b2-8f9265b160c4"));
        }
    }

    @Test
    void aVhdWithoutAnyValidFooterIsAnErrorForItAndTheLeftoverAboveIt() throws IOException {
        Path pv = new PvHeadEditor().writeFull(dir, "pv.img");
        long lvStart = PE_START + 9 * EXTENT;
        try (FileChannel ch = FileChannel.open(pv, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(512), lvStart);
            ch.write(ByteBuffer.allocate(512), lvStart + 16 * (1L << 20) - 512);
        }
        String lv = "VHD-14efb9c5-63b1-4ed5-b701-2a090188354e";
        try (LvhdSr sr = LvhdSr.open(List.of(pv))) {
            SrInventory inv = sr.inventory();
            assertFalse(inv.vdi("14efb9c5-63b1-4ed5-b701-2a090188354e").readable());
            assertEquals(1, inv.problems().stream().filter(p -> p.severity() == Severity.ERROR
                    && p.path().equals(lv)).count(), inv.problems().toString());
            assertFalse(inv.leftovers().stream().filter(l -> l.path().startsWith("VHD-OLD_")).findFirst()
                    .orElseThrow().readable());
            assertAllOtherVdisExport(sr, List.of("14efb9c5-63b1-4ed5-b701-2a090188354e"));
        }
    }

    @Test
    void aDamagedMgtLosesTheNamesButNoData() throws IOException {
        Path pv = new PvHeadEditor().writeFull(dir, "pv.img");
        try (FileChannel ch = FileChannel.open(pv, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("garbage".getBytes()), PE_START);
        }
        try (LvhdSr sr = LvhdSr.open(List.of(pv))) {
            SrInventory inv = sr.inventory();
            assertNull(inv.nameLabel());
            assertTrue(inv.vdis().stream().allMatch(v -> v.nameLabel() == null));
            assertTrue(inv.problems().stream().anyMatch(p -> p.code().equals("mgt-invalid")
                    && p.severity() == Severity.WARNING));
            assertEquals(List.of(), sr.mgtRecords().keySet().stream().toList());
            assertAllOtherVdisExport(sr, List.of());
        }
    }

    @Test
    void aVgThatIsNoLvhdSrIsRefusedWithAHint() throws IOException {
        PvHeadEditor ed = new PvHeadEditor();
        ed.text(ed.text().replaceFirst("VG_XenStorage-", "XSLocalEXT-"));
        Path pv = ed.writeFull(dir, "pv.img");
        ImageDefectException e = assertThrows(ImageDefectException.class, () -> LvhdSr.open(List.of(pv)));
        assertEquals("not-an-lvhd-sr", e.code());
        assertTrue(e.getMessage().contains("ext SR"), e.getMessage());
    }

    private static List<Problem> errors(SrInventory inv, String code, String path) {
        return inv.problems().stream().filter(p -> p.severity() == Severity.ERROR && p.code().equals(code)
                && p.path().equals(path)).toList();
    }

    private static void assertAllOtherVdisExport(LvhdSr sr, List<String> except) throws IOException {
        int checked = 0;
        for (JsonNode m : LvmCorpus.sr().get("vdis")) {
            String uuid = m.get("uuid").asText();
            if (except.contains(uuid)) {
                continue;
            }
            try (VirtualDisk disk = sr.openVdi(uuid)) {
                assertEquals(m.get("expected_sha256").asText(), LvhdCorpusTest.sha256(disk), uuid);
            }
            assertTrue(sr.inventory().vdi(uuid).readable(), uuid);
            checked++;
        }
        assertEquals(LvmCorpus.sr().get("vdis").size() - except.size(), checked);
    }
}
