package org.smapimigrate.lvhd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;
import org.smapimigrate.lvm.ExternalCommand;
import org.smapimigrate.lvm.LvmCorpus;
import org.smapimigrate.lvm.Lvm2Scratch;

/**
 * An LVHD SR spread over two PVs, built with third-party tools only: lvm2 lays out
 * {@code VG_XenStorage-<sr>} with a {@code VHD-<uuid>} LV fragmented across both PVs, qemu-img
 * and qemu-io make a dynamic VHD, which goes into the LV as libvhd lays it out on a block device
 * (image at the start, primary footer at LV end - 512). The expected bytes are qemu-img's.
 */
class LvhdTwoPvTest {

    @Test
    void aVhdLvFragmentedOverTwoPvsExportsAsQemuReadsTheVhd() throws Exception {
        String qemuImg = ExternalCommand.require("qemu-img", "qemu-utils");
        String qemuIo = ExternalCommand.require("qemu-io", "qemu-utils");
        String sr = UUID.randomUUID().toString();
        String vdi = UUID.randomUUID().toString();
        String raw = UUID.randomUUID().toString();
        String vg = LvhdSr.VG_PREFIX + sr;
        String vhdLv = "VHD-" + vdi;
        String rawLv = "LV-" + raw;
        try (Lvm2Scratch s = Lvm2Scratch.create(2, 16L << 20)) {
            Path vhd = s.dir().resolve("disk.vhd");
            ExternalCommand.check(List.of(qemuImg, "create", "-q", "-f", "vpc", "-o", "subformat=dynamic,force_size=on",
                    vhd.toString(), "24M"));
            ExternalCommand.check(List.of(qemuIo, "-f", "vpc", "-c", "write -P 0xab 0 1M", "-c",
                    "write -P 0xcd 20M 2M", "-c", "write -P 0x11 5000k 3k", "-c", "write -z 100k 4k", vhd.toString()));
            Path expectedRaw = s.dir().resolve("disk.raw");
            ExternalCommand.check(List.of(qemuImg, "convert", "-f", "vpc", "-O", "raw", vhd.toString(),
                    expectedRaw.toString()));

            String l1 = s.device(0);
            String l2 = s.device(1);
            s.run("pvcreate", "-ff", "-y", "--metadatasize", "1M", l1, l2);
            s.run("vgcreate", "-s", "1M", vg, l1, l2);
            s.run("lvcreate", "-an", "-Zn", "-n", vhdLv, "-L", "3M", vg, l1);
            s.run("lvcreate", "-an", "-Zn", "-n", rawLv, "-L", "2M", vg, l1);
            // Grows past the raw LV on PV 1 and on into PV 2: the VHD's bytes lie in pieces on both.
            s.run("lvextend", "-L", "20M", vg + "/" + vhdLv);
            List<JsonNode> segments = s.detach(vg);
            assertTrue(segments.stream().filter(r -> r.get("lv_name").asText().equals(vhdLv)).count() >= 2);

            long lvSize = 20L << 20;
            byte[] image = Files.readAllBytes(vhd);
            s.writeLv(vhdLv, 0, image);
            s.writeLv(vhdLv, lvSize - 512, java.util.Arrays.copyOfRange(image, image.length - 512, image.length));
            byte[] rawBytes = new byte[2 << 20];
            new Random(7).nextBytes(rawBytes);
            s.writeLv(rawLv, 0, rawBytes);
            Path rawFile = s.dir().resolve("raw.expected");
            Files.write(rawFile, rawBytes);

            try (LvhdSr lvhd = LvhdSr.open(List.of(s.image(1), s.image(0)))) {
                SrInventory inv = lvhd.inventory();
                assertEquals(sr, inv.uuid());
                VdiEntry v = inv.vdi(vdi);
                assertEquals(VdiRole.USER, v.role());
                assertEquals(24L << 20, v.virtualSize());
                assertTrue(v.readable());
                assertEquals(VdiRole.RAW, inv.vdi(raw).role());
                assertEquals(List.of("multi-pv-lv", "multi-segment-lv", "no-mgt"),
                        inv.problems().stream().map(Problem::code).sorted().distinct().toList());
                try (VirtualDisk disk = lvhd.openVdi(vdi)) {
                    assertEquals(LvmCorpus.sha256(expectedRaw), LvhdCorpusTest.sha256(disk));
                }
                try (VirtualDisk disk = lvhd.openVdi(raw)) {
                    assertEquals(LvmCorpus.sha256(rawFile), LvhdCorpusTest.sha256(disk));
                }
            }
        }
    }
}
