package org.smapimigrate.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.ImageDefectException;

/** Each kind of damage gives its own defect code, naming the file and the place. */
class DefectCodesTest {
    @TempDir
    Path dir;

    private ImageDefectException openFails(List<Path> pvs) {
        return assertThrows(ImageDefectException.class, () -> OfflineVolumeGroup.open(pvs).close());
    }

    @Test
    void aFileWithoutLabelIsNoLvmLabel() throws IOException {
        Path zeros = dir.resolve("zeros.img");
        Files.write(zeros, new byte[1 << 20]);
        ImageDefectException e = openFails(List.of(zeros));
        assertEquals("no-lvm-label", e.code());
        assertEquals(zeros.toString(), e.file());
        assertFalse(PhysicalVolumeFile.looksLikePv(zeros));
        Path tiny = dir.resolve("tiny.img");
        Files.write(tiny, new byte[100]);
        assertEquals("no-lvm-label", openFails(List.of(tiny)).code());
    }

    @Test
    void aDamagedLabelIsBadLabelCrc() throws IOException {
        PvHeadEditor ed = new PvHeadEditor();
        ed.bytes[PvHeadEditor.LABEL + 100] ^= 1;
        Path p = ed.write(dir, "pv.img");
        ImageDefectException e = openFails(List.of(p));
        assertEquals("bad-label-crc", e.code());
        assertEquals(512 + 16, e.offset());
        assertTrue(PhysicalVolumeFile.looksLikePv(p), "still claims to be a PV");
    }

    @Test
    void aLabelInTheWrongSectorIsBadLabel() throws IOException {
        PvHeadEditor ed = new PvHeadEditor();
        ed.le.putLong(PvHeadEditor.LABEL + 8, 2);
        ed.fixLabelCrc();
        assertEquals("bad-label", openFails(List.of(ed.write(dir, "pv.img"))).code());
    }

    @Test
    void aDamagedMdaHeaderIsBadMdaChecksum() throws IOException {
        PvHeadEditor ed = new PvHeadEditor();
        ed.bytes[PvHeadEditor.MDA + 300] ^= 1;
        ImageDefectException e = openFails(List.of(ed.write(dir, "pv.img")));
        assertEquals("bad-mda-checksum", e.code());
        assertEquals(4096, e.offset());
    }

    @Test
    void damagedTextIsBadMetadataChecksum() throws IOException {
        PvHeadEditor ed = new PvHeadEditor();
        ed.bytes[PvHeadEditor.TEXT + 2000] ^= 1;
        ImageDefectException e = openFails(List.of(ed.write(dir, "pv.img")));
        assertEquals("bad-metadata-checksum", e.code());
        assertEquals(PvHeadEditor.TEXT, e.offset());
    }

    @Test
    void aTextOutsideTheRingIsBadRawLocn() throws IOException {
        PvHeadEditor ed = new PvHeadEditor();
        ed.le.putLong(PvHeadEditor.MDA + 40, PvHeadEditor.MDA_SIZE + 512);
        ed.fixMdaChecksum();
        assertEquals("bad-raw-locn", openFails(List.of(ed.write(dir, "pv.img"))).code());
    }

    @Test
    void syntaxErrorsPointIntoTheText() throws IOException {
        PvHeadEditor ed = new PvHeadEditor();
        String text = ed.text();
        int at = text.indexOf("seqno = 44");
        ed.text(text.replace("seqno = 44", "seqno = {4"));
        ImageDefectException e = openFails(List.of(ed.write(dir, "pv.img")));
        assertEquals("metadata-syntax", e.code());
        assertEquals(PvHeadEditor.TEXT + at + "seqno = ".length(), e.offset());
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void anOrphanPvHasNoMetadata() throws IOException {
        PvHeadEditor ed = new PvHeadEditor();
        ed.le.putLong(PvHeadEditor.MDA + 40, 0).putLong(PvHeadEditor.MDA + 48, 0).putLong(PvHeadEditor.MDA + 56, 0);
        ed.fixMdaChecksum();
        assertEquals("no-metadata", openFails(List.of(ed.write(dir, "pv.img"))).code());
    }

    @Test
    void thePvGivenTwiceIsDuplicatePv() throws IOException {
        Path image = LvmCorpus.image();
        // A second name for the same file: same label, same uuid.
        Path link = dir.resolve("same.img");
        Files.createLink(link, image);
        assertEquals("duplicate-pv", openFails(List.of(image, link)).code());
    }

    @Test
    void anUnsupportedSegmentFailsOnlyItsLv() throws IOException {
        PvHeadEditor ed = new PvHeadEditor();
        String text = ed.text();
        // The first segment of the text belongs to MGT.
        ed.text(text.replaceFirst("type = \"striped\"", "type = \"raid1\""));
        Path p = ed.writeFull(dir, "pv.img");
        try (OfflineVolumeGroup vg = OfflineVolumeGroup.open(List.of(p))) {
            LogicalVolume mgt = vg.volumeGroup().lv("MGT").orElseThrow();
            assertFalse(mgt.readable());
            ImageDefectException e = assertThrows(ImageDefectException.class, () -> vg.openLv("MGT"));
            assertEquals("unsupported-segment", e.code());
            assertTrue(e.getMessage().contains("raid1"), e.getMessage());
            assertContentMatchesManifest(vg, "VHD-12e9978e-9cc0-423b-9dc5-5ff20ac50018");
        }
    }

    @Test
    void extentsBeyondThePvFailOnlyTheirLv() throws IOException {
        PvHeadEditor ed = new PvHeadEditor();
        String text = ed.text();
        ed.text(text.replace("\"pv0\", 7\n", "\"pv0\", 37\n"));
        Path p = ed.writeFull(dir, "pv.img");
        try (OfflineVolumeGroup vg = OfflineVolumeGroup.open(List.of(p))) {
            ImageDefectException e = assertThrows(ImageDefectException.class,
                    () -> vg.openLv("LV-5acc36f9-92b2-4463-9756-057c3f038bee"));
            assertEquals("extent-out-of-range", e.code());
            assertContentMatchesManifest(vg, "MGT");
        }
    }

    @Test
    void aMissingPvNamesItsUuidAndSparesTheOtherLvs() throws IOException {
        String missing = "AAAAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGGGG";
        PvHeadEditor ed = new PvHeadEditor();
        String text = ed.text()
                .replace("pe_count = 37\n}\n}\n", "pe_count = 37\n}\n\npv1 {\nid = \"" + missing
                        + "\"\ndevice = \"/dev/sdz\"\nstatus = [\"ALLOCATABLE\"]\npe_start = 2048\npe_count = 10\n}\n}\n")
                .replace("\"pv0\", 7\n", "\"pv1\", 0\n");
        ed.text(text);
        Path p = ed.writeFull(dir, "pv.img");
        try (OfflineVolumeGroup vg = OfflineVolumeGroup.open(List.of(p))) {
            assertEquals(List.of(missing), vg.missingPvs().stream().map(PhysicalVolume::id).toList());
            ImageDefectException e = assertThrows(ImageDefectException.class,
                    () -> vg.openLv("LV-5acc36f9-92b2-4463-9756-057c3f038bee"));
            assertEquals("missing-pv", e.code());
            assertTrue(e.getMessage().contains(missing), e.getMessage());
            assertContentMatchesManifest(vg, "VHD-ca470caf-5828-44dd-8a1a-eb097a998ecc");
        }
    }

    @Test
    void aPvFileShorterThanItsExtentsIsTruncated() throws IOException {
        Path p = dir.resolve("short.img");
        try (FileChannel in = FileChannel.open(LvmCorpus.image(), StandardOpenOption.READ);
             FileChannel out = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            // Keep PEs 0-19: MGT (PE 0) reads, VHD-ca470caf (PE 18-23, 33-34) does not.
            in.transferTo(0, 11534336 + 20L * 4194304, out);
        }
        try (OfflineVolumeGroup vg = OfflineVolumeGroup.open(List.of(p))) {
            ImageDefectException e = assertThrows(ImageDefectException.class,
                    () -> vg.openLv("VHD-ca470caf-5828-44dd-8a1a-eb097a998ecc"));
            assertEquals("truncated", e.code());
            assertEquals(p.toString(), e.file());
            assertContentMatchesManifest(vg, "MGT");
        }
    }

    @Test
    void aSecondFileThatIsNoPvIsNamed() throws IOException {
        Path zeros = dir.resolve("zeros.img");
        Files.write(zeros, new byte[4096]);
        ImageDefectException e = openFails(List.of(LvmCorpus.image(), zeros));
        assertEquals("no-lvm-label", e.code());
        assertEquals(zeros.toString(), e.file());
    }

    @Test
    void readsOutsideTheLvAreRejected() throws IOException {
        try (OfflineVolumeGroup vg = OfflineVolumeGroup.open(List.of(LvmCorpus.image()));
             LogicalVolumeDisk mgt = vg.openLv("MGT")) {
            assertThrows(IllegalArgumentException.class, () -> mgt.read(ByteBuffer.allocate(2), mgt.size() - 1));
            assertThrows(IllegalArgumentException.class, () -> mgt.read(ByteBuffer.allocate(1), -1));
            assertEquals("no-such-lv", assertThrows(ImageDefectException.class, () -> vg.openLv("nope")).code());
        }
    }

    private static void assertContentMatchesManifest(OfflineVolumeGroup vg, String lvName) throws IOException {
        JsonNode expected = null;
        for (JsonNode lv : LvmCorpus.sr().get("lvs")) {
            if (lv.get("name").asText().equals(lvName)) {
                expected = lv;
            }
        }
        try (LogicalVolumeDisk disk = vg.openLv(lvName)) {
            assertEquals(expected.get("lv_content_sha256").asText(), CorpusVolumeGroupTest.sha256(disk, 1 << 20));
        }
    }
}
