package org.smapimigrate.lvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dir;
    private static Path pv1;
    private static Path pv2;
    private static Path pv2Stale;
    private static String vgName;
    private static JsonNode vgReport;
    private static List<JsonNode> pvReport;
    private static List<JsonNode> segReport;
    private static long staleSeqno;
    private static final Map<String, Path> IMAGE_OF_DEVICE = new HashMap<>();
    private static final Map<String, String> DEVICE_OF_IMAGE = new HashMap<>();

    @BeforeAll
    static void buildVgWithLvm2() throws Exception {
        String lvm = ExternalCommand.require("lvm", "lvm2");
        String losetup = ExternalCommand.require("losetup", "mount");
        dir = Files.createTempDirectory("smapi-lvm2");
        pv1 = sparse(dir.resolve("pv1.img"));
        pv2 = sparse(dir.resolve("pv2.img"));
        pv2Stale = dir.resolve("pv2-stale.img");
        vgName = "smt_" + UUID.randomUUID().toString().substring(0, 8);
        List<String> loops = new ArrayList<>();
        try {
            String l1 = attach(losetup, pv1, loops);
            String l2 = attach(losetup, pv2, loops);
            IMAGE_OF_DEVICE.put(l1, pv1);
            IMAGE_OF_DEVICE.put(l2, pv2);
            DEVICE_OF_IMAGE.put(pv1.toString(), l1);
            DEVICE_OF_IMAGE.put(pv2.toString(), l2);
            Lvm tool = new Lvm(lvm, l1, l2);
            tool.run("pvcreate", "-ff", "-y", "--metadatasize", "1M", l1, l2);
            tool.run("vgcreate", "-s", "1M", "--addtag", "vg_tag", vgName, l1, l2);
            tool.run("lvcreate", "-an", "-Zn", "-n", "frag", "-L", "4M", vgName, l1);
            tool.run("lvcreate", "-an", "-Zn", "-n", "gone", "-L", "4M", vgName, l1);
            tool.run("lvcreate", "-an", "-Zn", "-n", "tagged", "-L", "4M", "--addtag", "hidden", "--addtag",
                    "journaler", vgName, l1);
            tool.run("lvremove", "-f", vgName + "/gone");
            // frag now grows into the hole "gone" left and then past "tagged": two or more segments.
            tool.run("lvextend", "-L", "12M", vgName + "/frag");
            tool.run("lvcreate", "-an", "-Zn", "-n", "striped", "-i", "2", "-I", "64k", "-L", "8M", vgName, l1, l2);
            tool.run("lvcreate", "-an", "-Zn", "-n", "ro", "-L", "2M", vgName, l2);
            tool.run("lvcreate", "-an", "-Zn", "-n", "span", "-L", "56M", vgName);
            tool.run("lvchange", "-p", "r", vgName + "/ro");
            staleSeqno = tool.report("vgs", "vg", "vg_seqno").get(0).get("vg_seqno").asLong();
            Files.copy(pv2, pv2Stale, StandardCopyOption.REPLACE_EXISTING);
            tool.run("lvcreate", "-an", "-Zn", "-n", "late", "-L", "1M", vgName, l1);
            vgReport = tool.report("vgs", "vg", "vg_name,vg_uuid,vg_seqno,vg_extent_size,vg_tags").get(0);
            pvReport = tool.report("pvs", "pv", "pv_name,pv_uuid,pe_start,pv_pe_count,vg_name");
            segReport = tool.report("lvs", "seg", "lv_name,lv_uuid,lv_size,lv_attr,lv_tags,segtype,stripes,"
                    + "stripe_size,seg_start_pe,seg_size_pe,seg_pe_ranges", "--segments");
        } finally {
            for (String loop : loops) {
                ExternalCommand.run(List.of(losetup, "-d", loop));
            }
        }
        writePatternsWhereLvsSays();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
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
                Path image = IMAGE_OF_DEVICE.get(p.get("pv_name").asText());
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
            Path out = dir.resolve(image.getFileName() + ".pvck");
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
            if (p.get("pv_name").asText().equals(DEVICE_OF_IMAGE.get(pv2.toString()))) {
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
            String device = DEVICE_OF_IMAGE.get(ovg.file(a.pv()).path().toString());
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

    /**
     * Writes every LV's pattern into the PV images at the extents {@code lvs} reports. Striped
     * segments follow dm-stripe: chunk k of the segment goes to area k mod n, row k div n.
     */
    private static void writePatternsWhereLvsSays() throws IOException {
        long e = vgReport.get("vg_extent_size").asLong();
        Map<String, Long> peStart = new HashMap<>();
        for (JsonNode p : pvReport) {
            peStart.put(p.get("pv_name").asText(), p.get("pe_start").asLong());
        }
        for (JsonNode s : segReport) {
            String lv = s.get("lv_name").asText();
            long segStart = s.get("seg_start_pe").asLong() * e;
            long segBytes = s.get("seg_size_pe").asLong() * e;
            String[] areas = s.get("seg_pe_ranges").asText().split(" ");
            int n = areas.length;
            long chunk = n == 1 ? segBytes : s.get("stripe_size").asLong();
            for (long o = 0; o < segBytes; o += chunk) {
                long k = o / chunk;
                String[] area = areas[(int) (k % n)].split(":");
                long firstPe = Long.parseLong(area[1].split("-")[0]);
                long pvByte = peStart.get(area[0]) + firstPe * e + (k / n) * chunk;
                try (FileChannel ch = FileChannel.open(IMAGE_OF_DEVICE.get(area[0]), StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(pattern(lv, segStart + o, (int) chunk)), pvByte);
                }
            }
        }
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

    private static Path sparse(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), PV_SIZE - 1);
        }
        return p;
    }

    private static String attach(String losetup, Path image, List<String> loops) throws Exception {
        ExternalCommand.Result r = ExternalCommand.run(List.of(losetup, "-f", "--show", image.toString()));
        if (r.exit() != 0) {
            fail("cannot attach a loop device (losetup -f --show): " + r.err().strip() + "\nThis test needs"
                    + " root and loop devices: load the loop module (modprobe loop) and give the container"
                    + " /dev/loop-control and /dev/loop* (docker run --privileged, or --device for each).");
        }
        String loop = r.out().strip();
        loops.add(loop);
        return loop;
    }

    /**
     * lvm2 with test-peers.md's settings, restricted to our two loop devices, writing no backup,
     * archive or hints files on the host.
     */
    private record Lvm(String lvm, String config) {
        Lvm(String lvm, String l1, String l2) {
            this(lvm, "devices{filter=[\"a|^" + l1 + "$|\",\"a|^" + l2 + "$|\",\"r|.*|\"] global_filter=[\"a|^"
                    + l1 + "$|\",\"a|^" + l2 + "$|\",\"r|.*|\"] obtain_device_list_from_udev=0 use_devicesfile=0"
                    + " hints=\"none\"} activation{udev_sync=0 udev_rules=0 monitoring=0}"
                    + " global{use_lvmpolld=0 activation=0} backup{backup=0 archive=0}");
        }

        String run(String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(lvm, args[0], "--config", config));
            cmd.addAll(Arrays.asList(args).subList(1, args.length));
            return ExternalCommand.check(cmd);
        }

        List<JsonNode> report(String command, String kind, String fields, String... extra) throws Exception {
            List<String> args = new ArrayList<>(List.of(command, "--reportformat", "json", "--units", "b",
                    "--nosuffix", "-o", fields));
            args.addAll(List.of(extra));
            String out = run(args.toArray(new String[0]));
            List<JsonNode> rows = new ArrayList<>();
            JSON.readTree(out).get("report").get(0).get(kind).forEach(rows::add);
            return rows;
        }
    }
}
