package org.smapimigrate.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.smapimigrate.vhd.VhdWriter;

/**
 * Builds the small file SR bundled in {@code examples/file-sr/}, the way SM's FileSR lays out
 * snapshots and clones (doc smapiv1-layout part A), with our own blktap-style VHD writer:
 * <ul>
 *   <li>a VM disk (64 MiB) snapshotted once: hidden base copy, empty snapshot leaf, and the active
 *       leaf that rewrote a few sectors in the middle of the base's data after the snapshot;</li>
 *   <li>a template (32 MiB) cloned once: hidden base copy and two leaves writing different bytes
 *       into the same block;</li>
 *   <li>a raw VDI (4 MiB).</li>
 * </ul>
 * Content is readable text naming the VDI and sector, so a flattened export can be looked at with
 * {@code strings}. Uuids are fixed; footer timestamps and footer uuids are not (as on a host).
 */
public final class ExampleFileSr {
    public static final String SR_UUID = "7d2f5c38-0c4e-4d8e-9a55-3b0d7e1f6a21";
    public static final String VM_DISK = "2b8e6f0a-41c7-4a63-8d0e-5f9c1a7b3e42";
    public static final String VM_BASE = "c4a1d9e2-7b35-4f08-a6c3-90e2b5d8f164";
    public static final String VM_SNAPSHOT = "e9f3b7c5-2d81-4e6a-b0f4-1c8a6d3e9b75";
    public static final String TEMPLATE_BASE = "5f7c2e9a-8b14-4d3f-9e62-a0b4c7d1e386";
    public static final String CLONE_A = "81d6a3f0-5e29-4b7c-8f13-d2e5a9c0b497";
    public static final String CLONE_B = "a3e0c8d5-6f42-4a91-b7d8-e4f1c2a5d608";
    public static final String RAW = "f0b5d2a7-9c63-4e18-a4b9-c6d3e0f7a819";

    private static final long MIB = 1 << 20;

    private ExampleFileSr() {
    }

    /** Writes the SR into {@code parent/<SR_UUID>} (which must not exist) and returns that directory. */
    public static Path create(Path parent) throws IOException {
        Path sr = parent.resolve(SR_UUID);
        Files.createDirectories(parent);
        Files.createDirectory(sr);

        // VM disk: base copy holds the disk as it was at snapshot time.
        Path base = sr.resolve(VM_BASE + ".vhd");
        try (VhdWriter w = VhdWriter.dynamic(base, 64 * MIB).uuid(uuid(VM_BASE)).create()) {
            w.write(0, text("vm-disk boot", 0, 2048));            // first MiB
            w.write(8 * MIB, text("vm-disk data", 16384, 6144));   // 3 MiB across blocks 4 and 5
            w.write(63 * MIB, text("vm-disk tail", 129024, 2048)); // last MiB
            w.setHidden(true);
        }
        try (VhdWriter w = VhdWriter.differencing(sr.resolve(VM_SNAPSHOT + ".vhd"), base)
                .uuid(uuid(VM_SNAPSHOT)).create()) {
            // The snapshot leaf stays empty: it reads the base exactly.
        }
        try (VhdWriter w = VhdWriter.differencing(sr.resolve(VM_DISK + ".vhd"), base).uuid(uuid(VM_DISK)).create()) {
            w.write(8 * MIB + 100 * 512, text("vm-disk after snapshot", 16484, 3)); // 3 sectors inside base data
            w.write(40 * MIB, text("vm-disk new data", 81920, 512));               // 256 KiB where base has none
        }

        // Template and two clones sharing it.
        Path template = sr.resolve(TEMPLATE_BASE + ".vhd");
        try (VhdWriter w = VhdWriter.dynamic(template, 32 * MIB).uuid(uuid(TEMPLATE_BASE)).create()) {
            w.write(0, text("template", 0, 4096));                 // block 0 written whole
            w.setHidden(true);
        }
        try (VhdWriter w = VhdWriter.differencing(sr.resolve(CLONE_A + ".vhd"), template).uuid(uuid(CLONE_A)).create()) {
            w.write(512 * 10, text("clone A", 10, 2));
        }
        try (VhdWriter w = VhdWriter.differencing(sr.resolve(CLONE_B + ".vhd"), template).uuid(uuid(CLONE_B)).create()) {
            w.write(512 * 10, text("clone B", 10, 4));
            w.write(20 * MIB, text("clone B", 40960, 8));
        }

        Files.write(sr.resolve(RAW + ".raw"), rawImage());
        return sr;
    }

    /** The footer uuid of each image: fixed, derived from its VDI uuid (they differ, as on SM). */
    private static UUID uuid(String vdi) {
        return UUID.nameUUIDFromBytes(("footer:" + vdi).getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code sectors} sectors of text, each naming its content and absolute sector number. */
    static byte[] text(String what, long firstSector, int sectors) {
        byte[] out = new byte[sectors * 512];
        for (int s = 0; s < sectors; s++) {
            String line = String.format("[%s sector=%08d] ", what, firstSector + s);
            byte[] l = line.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 512; i++) {
                out[s * 512 + i] = i == 511 ? (byte) '\n' : l[i % l.length];
            }
        }
        return out;
    }

    private static byte[] rawImage() {
        byte[] img = new byte[(int) (4 * MIB)];
        byte[] head = text("raw vdi", 0, 64);
        System.arraycopy(head, 0, img, 0, head.length);
        return img;
    }
}
