package org.smapimigrate.lvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smapimigrate.disk.ImageDefectException;

/**
 * A fresh two-PV VG made by the real lvm2 tools on loop devices (no udev, no device-mapper; see
 * test-peers.md): fragmented, PV-spanning, striped, tagged and read-only LVs. What lvm2 itself
 * reports ({@code vgs}/{@code pvs}/{@code lvs --reportformat json}, {@code pvck --dump metadata})
 * is the expectation. Data is then written into each LV's extents where {@code lvs} says they
 * are, and read back through our mapping.
 */
class Lvm2ToolsTest {
    private static final long PV_SIZE = 48L << 20;

    private static Lvm2Scratch scratch;
    private static Path pv1;
    private static Path pv2;
    private static Path pv2Stale;
    private static String vgName;
    private static JsonNode vgReport;
    private static List<JsonNode> pvReport;
    private static List<JsonNode> segReport;
    private static long staleSeqno;

    @BeforeAll
    static void buildVgWithLvm2() throws Exception {
        scratch = Lvm2Scratch.create(2, PV_SIZE);
        pv1 = scratch.image(0);
        pv2 = scratch.image(1);
        pv2Stale = scratch.dir().resolve("pv2-stale.img");
        vgName = "smt_" + UUID.randomUUID().toString().substring(0, 8);
        String l1 = scratch.device(0);
        String l2 = scratch.device(1);
        scratch.run("pvcreate", "-ff", "-y", "--metadatasize", "1M", l1, l2);
        scratch.run("vgcreate", "-s", "1M", "--addtag", "vg_tag", vgName, l1, l2);
        scratch.run("lvcreate", "-an", "-Zn", "-n", "frag", "-L", "4M", vgName, l1);
        scratch.run("lvcreate", "-an", "-Zn", "-n", "gone", "-L", "4M", vgName, l1);
        scratch.run("lvcreate", "-an", "-Zn", "-n", "tagged", "-L", "4M", "--addtag", "hidden", "--addtag",
                "journaler", vgName, l1);
        scratch.run("lvremove", "-f", vgName + "/gone");
        // frag now grows into the hole "gone" left and then past "tagged": two or more segments.
        scratch.run("lvextend", "-L", "12M", vgName + "/frag");
        scratch.run("lvcreate", "-an", "-Zn", "-n", "striped", "-i", "2", "-I", "64k", "-L", "8M", vgName, l1, l2);
        scratch.run("lvcreate", "-an", "-Zn", "-n", "ro", "-L", "2M", vgName, l2);
        scratch.run("lvcreate", "-an", "-Zn", "-n", "span", "-L", "56M", vgName);
        scratch.run("lvchange", "-p", "r", vgName + "/ro");
        staleSeqno = scratch.report("vgs", "vg", "vg_seqno", vgName).get(0).get("vg_seqno").asLong();
        Files.copy(pv2, pv2Stale, StandardCopyOption.REPLACE_EXISTING);
        scratch.run("lvcreate", "-an", "-Zn", "-n", "late", "-L", "1M", vgName, l1);
        vgReport = scratch.report("vgs", "vg", "vg_name,vg_uuid,vg_seqno,vg_extent_size,vg_tags", vgName).get(0);
        pvReport = scratch.report("pvs", "pv", "pv_name,pv_uuid,pe_start,pv_pe_count,vg_name");
        segReport = scratch.detach(vgName);
        // Each sector of an LV names the LV and the sector: a misplaced extent cannot go unseen.
        for (var lv : segmentsByLv().entrySet()) {
            long size = lv.getValue().get(0).get("lv_size").asLong();
            for (long pos = 0; pos < size; pos += 1 << 20) {
                scratch.writeLv(lv.getKey(), pos, pattern(lv.getKey(), pos, (int) Math.min(1 << 20, size - pos)));
            }
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (scratch != null) {
            scratch.close();
        }
    }

    @Test
    void volumeGroupAndPvsMatchVgsAndPvs() throws IOException {
        try (OfflineVolumeGroup ovg = OfflineVolumeGroup.open(List.of(pv2, pv1))) {
            VolumeGroup vg = ovg.volumeGroup();
            assertEquals(vgReport.get("vg_name").asText(), vg.name());
            assertEquals(vgReport.get("vg_uuid").asText(), vg.id());
            assertEquals(vgReport.get("vg_seqno").asLong(), vg.seqno());
            assertEquals(vgReport.get("vg_extent_size").asLong(), vg.extentSizeBytes());
            assertEquals(List.of(vgReport.get("vg_tags").asText().split(",")), vg.tags());
            assertEquals(List.of(), ovg.missingPvs());
            assertEquals(List.of(), ovg.metadataIssues());
            List<JsonNode> ours = pvReport.stream().filter(p -> p.get("vg_name").asText().equals(vgName)).toList();
            assertEquals(2, ours.size());
            for (JsonNode p : ours) {
                PhysicalVolume pv = vg.pvById(p.get("pv_uuid").asText()).orElseThrow();
                assertEquals(p.get("pe_start").asLong(), pv.peStartBytes());
                assertEquals(p.get("pv_pe_count").asLong(), pv.peCount());
                Path image = scratch.imageOf(p.get("pv_name").asText());
                assertEquals(image, ovg.file(pv.key()).path(), "PV matched to its file by label uuid");
            }
        }
    }

    @Test
    void everyLvAndSegmentMatchesLvs() throws IOException {
        try (OfflineVolumeGroup ovg = OfflineVolumeGroup.open(List.of(pv2, pv1))) {
            VolumeGroup vg = ovg.volumeGroup();
            Map<String, List<JsonNode>> byLv = segmentsByLv();
            assertEquals(byLv.keySet(), new java.util.HashSet<>(vg.lvs().stream().map(LogicalVolume::name).toList()));
            for (var entry : byLv.entrySet()) {
                LogicalVolume lv = vg.lv(entry.getKey()).orElseThrow();
                JsonNode first = entry.getValue().get(0);
                assertEquals(first.get("lv_uuid").asText(), lv.id());
                assertEquals(first.get("lv_size").asLong(), lv.sizeBytes());
                assertEquals(first.get("lv_attr").asText().charAt(1) == 'r', lv.readOnly(), lv.name());
                String tags = first.get("lv_tags").asText();
                assertEquals(tags.isEmpty() ? List.of() : List.of(tags.split(",")), lv.tags());
                assertEquals(entry.getValue().size(), lv.segments().size(), lv.name());
                for (int i = 0; i < lv.segments().size(); i++) {
                    JsonNode s = entry.getValue().get(i);
                    Segment seg = lv.segments().get(i);
                    assertEquals(s.get("seg_start_pe").asLong(), seg.startExtent());
                    assertEquals(s.get("seg_size_pe").asLong(), seg.extentCount());
                    assertEquals(s.get("stripes").asLong(), seg.stripeCount());
                    assertEquals(s.get("segtype").asText(), seg.stripeCount() == 1 ? "linear" : "striped");
                    assertEquals(s.get("stripe_size").asLong(), seg.stripeSize() * 512);
                    assertEquals(s.get("seg_pe_ranges").asText(), peRanges(ovg, seg), lv.name());
                }
            }
            assertTrue(vg.lv("frag").orElseThrow().segments().size() >= 2, "frag is fragmented");
            assertTrue(vg.lv("span").orElseThrow().segments().stream().map(s -> s.stripes().get(0).pv())
                    .distinct().count() == 2, "span lies on both PVs");
        }
    }

    @Test
    void everyLvReadsTheBytesWrittenWhereLvsPutsItsExtents() throws IOException {
        try (OfflineVolumeGroup ovg = OfflineVolumeGroup.open(List.of(pv2, pv1))) {
            for (LogicalVolume lv : ovg.volumeGroup().lvs()) {
                try (LogicalVolumeDisk disk = ovg.openLv(lv.name())) {
                    assertReadsPattern(disk, lv.name());
                }
            }
        }
    }

    @Test
    void metadataTextEqualsPvcks() throws Exception {
        String pvck = ExternalCommand.require("pvck", "lvm2");
        for (Path image : List.of(pv1, pv2)) {
            Path out = scratch.dir().resolve(image.getFileName() + ".pvck");
            ExternalCommand.check(List.of(pvck, "--dump", "metadata", "-f", out.toString(), image.toString()));
            try (PhysicalVolumeFile pv = PhysicalVolumeFile.open(image)) {
                assertEquals(Files.readString(out), new String(pv.metadataCopies().get(0).text().text(),
                        StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void theNewestMetadataWinsOverAStaleCopy() throws IOException {
        // pv2-stale is pv2 as it was before "late" was created: its metadata is older.
        try (OfflineVolumeGroup ovg = OfflineVolumeGroup.open(List.of(pv2Stale, pv1))) {
            assertEquals(vgReport.get("vg_seqno").asLong(), ovg.volumeGroup().seqno());
            assertTrue(ovg.volumeGroup().lv("late").isPresent());
            assertEquals(1, ovg.metadataIssues().size());
            ImageDefectException stale = ovg.metadataIssues().get(0);
            assertEquals("stale-metadata", stale.code());
            assertEquals(pv2Stale.toString(), stale.file());
            assertTrue(stale.getMessage().contains("seqno " + staleSeqno), stale.getMessage());
        }
    }

    @Test
    void aMissingPvFailsOnlyTheLvsOnIt() throws IOException {
        String pv2Uuid = null;
        for (JsonNode p : pvReport) {
            if (p.get("pv_name").asText().equals(scratch.device(1))) {
                pv2Uuid = p.get("pv_uuid").asText();
            }
        }
        try (OfflineVolumeGroup ovg = OfflineVolumeGroup.open(List.of(pv1))) {
            assertEquals(List.of(pv2Uuid), ovg.missingPvs().stream().map(PhysicalVolume::id).toList());
            for (String onBoth : List.of("span", "striped", "ro")) {
                ImageDefectException e = assertThrows(() -> ovg.openLv(onBoth));
                assertEquals("missing-pv", e.code(), onBoth);
                assertTrue(e.getMessage().contains(pv2Uuid), e.getMessage());
            }
            try (LogicalVolumeDisk frag = ovg.openLv("frag")) {
                assertReadsPattern(frag, "frag");
            }
        }
    }

    private interface Opening {
        void run() throws IOException;
    }

    private static ImageDefectException assertThrows(Opening o) {
        try {
            o.run();
        } catch (ImageDefectException e) {
            return e;
        } catch (IOException e) {
            fail("expected an ImageDefectException", e);
        }
        return fail("expected an ImageDefectException");
    }

    /** "/dev/loopN:first-last" per area, joined by spaces, the way lvs prints seg_pe_ranges. */
    private static String peRanges(OfflineVolumeGroup ovg, Segment seg) {
        long perArea = seg.extentCount() / seg.stripeCount();
        List<String> parts = new ArrayList<>();
        for (StripeArea a : seg.stripes()) {
            String device = scratch.deviceOf(ovg.file(a.pv()).path());
            parts.add(device + ":" + a.startExtent() + "-" + (a.startExtent() + perArea - 1));
        }
        return String.join(" ", parts);
    }

    private static Map<String, List<JsonNode>> segmentsByLv() {
        Map<String, List<JsonNode>> byLv = new LinkedHashMap<>();
        for (JsonNode s : segReport) {
            byLv.computeIfAbsent(s.get("lv_name").asText(), k -> new ArrayList<>()).add(s);
        }
        return byLv;
    }

    /** The bytes of LV {@code lv} at {@code lvOffset}: each sector names the LV and its number. */
    private static byte[] pattern(String lv, long lvOffset, int length) {
        byte[] b = new byte[length];
        for (int s = 0; s < length / 512; s++) {
            byte[] line = (lv + "@" + (lvOffset / 512 + s) + ";").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 512; i += line.length) {
                System.arraycopy(line, 0, b, s * 512 + i, Math.min(line.length, 512 - i));
            }
        }
        return b;
    }

    private static void assertReadsPattern(LogicalVolumeDisk disk, String lv) throws IOException {
        int chunk = 1 << 20;
        ByteBuffer buf = ByteBuffer.allocate(chunk);
        for (long pos = 0; pos < disk.size(); pos += chunk) {
            buf.clear().limit((int) Math.min(chunk, disk.size() - pos));
            disk.read(buf, pos);
            assertArrayEquals(pattern(lv, pos, buf.limit()), Arrays.copyOf(buf.array(), buf.limit()),
                    lv + " at " + pos);
        }
    }
}
