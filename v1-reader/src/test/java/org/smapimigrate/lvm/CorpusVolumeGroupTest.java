package org.smapimigrate.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The LVM layer read from {@code lvhd-thick-1pv.img}, checked against manifest-lvm.json. */
class CorpusVolumeGroupTest {
    private static String gzHashBefore;
    private static Path image;
    private static JsonNode sr;
    private static JsonNode pvImage;

    @BeforeAll
    static void unpack() throws IOException {
        gzHashBefore = LvmCorpus.sha256(LvmCorpus.gz());
        assertEquals(LvmCorpus.sr().get("pv_images").get(0).get("gz_sha256").asText(), gzHashBefore);
        image = LvmCorpus.image();
        sr = LvmCorpus.sr();
        pvImage = sr.get("pv_images").get(0);
    }

    @AfterAll
    static void corpusUntouched() throws IOException {
        assertEquals(gzHashBefore, LvmCorpus.sha256(LvmCorpus.gz()), "the corpus file changed");
        assertEquals(pvImage.get("uncompressed_sha256").asText(), LvmCorpus.sha256(image),
                "the PV image changed while it was read");
    }

    @Test
    void labelAndPvHeaderMatchTheManifest() throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            PvLabel label = PvLabel.read(ch, image.toString());
            assertEquals(pvImage.get("label_sector").asInt(), label.sector());
            assertEquals(0x200518EE, label.crc(), "lvm2-ondisk.md §7 and pvck --dump headers");
            assertEquals(pvImage.get("pv_uuid").asText(), label.pvId());
            assertEquals("MrMAGtM4N7Fo17cybeFKPCZVBfAdocXt", label.pvUuid());
            assertEquals(pvImage.get("pv_header_device_size").asLong(), label.deviceSize());
            assertEquals(List.of(new DiskLocation(pvImage.get("data_area").get("offset").asLong(),
                    pvImage.get("data_area").get("size").asLong())), label.dataAreas());
            assertEquals(List.of(new DiskLocation(pvImage.get("metadata_area").get("offset").asLong(),
                    pvImage.get("metadata_area").get("size").asLong())), label.metadataAreas());
            assertEquals(2, label.extensionVersion());
            assertEquals(PvLabel.PV_EXT_USED, label.extensionFlags());
            assertEquals(List.of(), label.bootloaderAreas());
            assertTrue(PvLabel.hasLabelId(ch));
        }
    }

    @Test
    void metadataAreaAndCommittedTextMatchTheManifest() throws IOException {
        try (PhysicalVolumeFile pv = PhysicalVolumeFile.open(image)) {
            assertEquals(1, pv.metadataCopies().size());
            MetadataCopy copy = pv.metadataCopies().get(0);
            assertEquals(null, copy.defect());
            JsonNode mh = pvImage.get("mda_header");
            MetadataAreaHeader h = copy.header();
            assertEquals(0x2C7F5A3E, h.checksum(), "lvm2-ondisk.md §7");
            assertEquals(mh.get("version").asInt(), h.version());
            assertEquals(mh.get("start").asLong(), h.start());
            assertEquals(mh.get("mda_size").asLong(), h.size());
            JsonNode rl = pvImage.get("current_metadata_raw_locn");
            RawLocation loc = h.committed();
            assertEquals(rl.get("offset").asLong(), loc.offset());
            assertEquals(rl.get("size").asLong(), loc.size());
            assertEquals(Long.decode(rl.get("checksum").asText()).intValue(), loc.checksum());
            assertEquals(rl.get("flags").asInt(), loc.flags());
            assertEquals(1, h.rawLocations().size(), "raw_locn[1] is all zero: the list ends after [0]");
            MetadataText text = copy.text();
            assertFalse(text.wraps());
            assertEquals(179200, text.firstPartOffset());
            assertEquals(sr.get("lvm_metadata_text").asText(), new String(text.text(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void volumeGroupMatchesTheManifest() throws IOException {
        try (OfflineVolumeGroup ovg = OfflineVolumeGroup.open(List.of(image))) {
            VolumeGroup vg = ovg.volumeGroup();
            assertEquals(sr.get("vg_name").asText(), vg.name());
            assertEquals(sr.get("vg_id").asText(), vg.id());
            assertEquals(sr.get("vg_seqno").asLong(), vg.seqno());
            assertEquals(sr.get("extent_size_bytes").asLong(), vg.extentSizeBytes());
            assertEquals(List.of(), ovg.missingPvs());
            assertEquals(List.of(), ovg.metadataIssues());
            assertEquals(1, vg.pvs().size());
            PhysicalVolume pv = vg.pvs().get(0);
            assertEquals(pvImage.get("pv_name_in_metadata").asText(), pv.key());
            assertEquals(pvImage.get("pv_uuid").asText(), pv.id());
            assertEquals(pvImage.get("pe_start_bytes").asLong(), pv.peStartBytes());
            assertEquals(pvImage.get("pe_count").asLong(), pv.peCount());
            assertEquals(pvImage.get("dev_size_bytes").asLong(), pv.devSize() * 512);
            assertEquals(pvImage.get("device_hint_in_metadata").asText(), pv.deviceHint());
            assertEquals(sr.get("lvs").size(), vg.lvs().size());
        }
    }

    @Test
    void everyLvMatchesItsRecordedSegmentsAndContent() throws IOException {
        try (OfflineVolumeGroup ovg = OfflineVolumeGroup.open(List.of(image))) {
            VolumeGroup vg = ovg.volumeGroup();
            for (JsonNode m : sr.get("lvs")) {
                String name = m.get("name").asText();
                LogicalVolume lv = vg.lv(name).orElseThrow(() -> new AssertionError("no LV " + name));
                assertEquals(m.get("lv_id").asText(), lv.id(), name);
                assertEquals(m.get("size_bytes").asLong(), lv.sizeBytes(), name);
                assertEquals(m.get("size_extents").asLong(), lv.extentCount(), name);
                assertEquals(m.get("permissions").asText(), lv.readOnly() ? "r" : "rw", name);
                assertEquals(strings(m.get("status")), lv.status(), name);
                assertEquals(strings(m.get("tags")), lv.tags(), name);
                assertTrue(lv.visible() && lv.readable(), name);
                assertEquals(m.get("segments").size(), lv.segments().size(), name);
                for (int i = 0; i < lv.segments().size(); i++) {
                    JsonNode ms = m.get("segments").get(i);
                    Segment s = lv.segments().get(i);
                    assertEquals(ms.get("start_extent").asLong(), s.startExtent(), name);
                    assertEquals(ms.get("extent_count").asLong(), s.extentCount(), name);
                    assertEquals("striped", s.type());
                    assertEquals(1, s.stripeCount());
                    assertEquals(List.of(new StripeArea(ms.get("pv").asText(), ms.get("pv_start_extent").asLong())),
                            s.stripes(), name);
                    PhysicalVolume pv = vg.pvByKey(s.stripes().get(0).pv()).orElseThrow();
                    assertEquals(ms.get("pv_uuid").asText(), pv.id());
                    assertEquals(ms.get("image_byte_offset").asLong(),
                            pv.peStartBytes() + s.stripes().get(0).startExtent() * vg.extentSizeBytes(), name);
                }
                try (LogicalVolumeDisk disk = ovg.openLv(name)) {
                    assertEquals(m.get("size_bytes").asLong(), disk.size());
                    assertEquals(m.get("lv_content_sha256").asText(), sha256(disk, 1 << 20), name);
                }
            }
        }
    }

    @Test
    void oddSizedReadsAcrossSegmentBoundariesGiveTheSameBytes() throws IOException {
        // VHD-ca470caf...: LE 0-5 at PE 18, LE 6-7 at PE 33, so LV byte 25165824 is PV byte 149946368
        // (lvm2-ondisk.md §7). Reads of odd sizes straddling the boundary must still hash the same.
        String name = "VHD-ca470caf-5828-44dd-8a1a-eb097a998ecc";
        JsonNode m = null;
        for (JsonNode lv : sr.get("lvs")) {
            if (lv.get("name").asText().equals(name)) {
                m = lv;
            }
        }
        assertNotNull(m);
        try (OfflineVolumeGroup ovg = OfflineVolumeGroup.open(List.of(image));
             LogicalVolumeDisk disk = ovg.openLv(name);
             FileChannel raw = FileChannel.open(image, StandardOpenOption.READ)) {
            assertEquals(m.get("lv_content_sha256").asText(), sha256(disk, 999_983));
            ByteBuffer viaLv = ByteBuffer.allocate(8192);
            disk.read(viaLv, 25165824 - 4096);
            ByteBuffer direct = ByteBuffer.allocate(8192);
            raw.read(direct.limit(4096), 11534336 + 18L * 4194304 + 25165824 - 4096);
            raw.read(direct.limit(8192), 149946368);
            assertEquals(direct.flip(), viaLv.flip());
        }
    }

    static String sha256(LogicalVolumeDisk disk, int chunk) throws IOException {
        MessageDigest md = LvmCorpus.sha256();
        ByteBuffer buf = ByteBuffer.allocateDirect(chunk);
        for (long pos = 0; pos < disk.size(); ) {
            buf.clear().limit((int) Math.min(chunk, disk.size() - pos));
            disk.read(buf, pos);
            pos += buf.position();
            md.update(buf.flip());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
