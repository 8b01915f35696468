package org.smapimigrate.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;

/**
 * The bundled example SR is what {@link ExampleFileSr} makes, and each VDI reads back as a plain
 * model of the writes says it must (the model knows nothing of VHD), and as qemu-img reads the
 * dynamic base copies.
 */
class ExampleFileSrTest {
    private static final long MIB = 1 << 20;

    static Path bundled() {
        return Path.of(System.getProperty("smapi.root"), "examples", "file-sr", ExampleFileSr.SR_UUID);
    }

    /** What each VDI must read as: zero-filled disks with the generator's writes replayed in order. */
    static Map<String, byte[]> model() {
        byte[] base = new byte[(int) (64 * MIB)];
        put(base, 0, ExampleFileSr.text("vm-disk boot", 0, 2048));
        put(base, 8 * MIB, ExampleFileSr.text("vm-disk data", 16384, 6144));
        put(base, 63 * MIB, ExampleFileSr.text("vm-disk tail", 129024, 2048));
        byte[] disk = base.clone();
        put(disk, 8 * MIB + 100 * 512, ExampleFileSr.text("vm-disk after snapshot", 16484, 3));
        put(disk, 40 * MIB, ExampleFileSr.text("vm-disk new data", 81920, 512));
        byte[] template = new byte[(int) (32 * MIB)];
        put(template, 0, ExampleFileSr.text("template", 0, 4096));
        byte[] a = template.clone();
        put(a, 512 * 10, ExampleFileSr.text("clone A", 10, 2));
        byte[] b = template.clone();
        put(b, 512 * 10, ExampleFileSr.text("clone B", 10, 4));
        put(b, 20 * MIB, ExampleFileSr.text("clone B", 40960, 8));
        byte[] raw = new byte[(int) (4 * MIB)];
        put(raw, 0, ExampleFileSr.text("raw vdi", 0, 64));
        return Map.of(ExampleFileSr.VM_BASE, base, ExampleFileSr.VM_SNAPSHOT, base, ExampleFileSr.VM_DISK, disk,
                ExampleFileSr.TEMPLATE_BASE, template, ExampleFileSr.CLONE_A, a, ExampleFileSr.CLONE_B, b,
                ExampleFileSr.RAW, raw);
    }

    private static void put(byte[] disk, long at, byte[] data) {
        System.arraycopy(data, 0, disk, (int) at, data.length);
    }

    @Test
    void bundledExampleReadsAsTheModel() throws IOException {
        checkAgainstModel(bundled());
    }

    @Test
    void generatorReproducesTheBundledExample(@TempDir Path tmp) throws IOException {
        checkAgainstModel(ExampleFileSr.create(tmp));
        try (FileSr made = FileSr.open(tmp.resolve(ExampleFileSr.SR_UUID)); FileSr bundled = FileSr.open(bundled())) {
            assertEquals(shape(bundled.inventory()), shape(made.inventory()));
        }
    }

    @Test
    void qemuImgReadsTheDynamicBaseCopiesAlike(@TempDir Path tmp) throws Exception {
        Map<String, byte[]> model = model();
        for (String base : List.of(ExampleFileSr.VM_BASE, ExampleFileSr.TEMPLATE_BASE)) {
            Path out = tmp.resolve(base + ".raw");
            Process p = new ProcessBuilder("qemu-img", "convert", "-f", "vpc", "-O", "raw",
                    bundled().resolve(base + ".vhd").toString(), out.toString()).redirectErrorStream(true).start();
            String msg = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), "qemu-img (Debian package qemu-utils) failed: " + msg);
            assertArrayEquals(model.get(base), Files.readAllBytes(out), base);
        }
    }

    private static void checkAgainstModel(Path sr) throws IOException {
        Map<String, byte[]> model = model();
        try (FileSr fileSr = FileSr.open(sr)) {
            assertEquals(model.keySet(), Set.copyOf(fileSr.inventory().vdis().stream().map(VdiEntry::uuid).toList()));
            for (Map.Entry<String, byte[]> e : model.entrySet()) {
                try (VirtualDisk d = fileSr.openVdi(e.getKey())) {
                    ByteBuffer all = ByteBuffer.allocate((int) d.size());
                    d.read(all, 0);
                    assertArrayEquals(e.getValue(), all.array(), e.getKey());
                }
            }
        }
    }

    /** Everything but paths: roles, parents, sizes, flags. */
    private static List<String> shape(SrInventory inv) {
        return inv.vdis().stream().map(v -> v.uuid() + " " + v.role() + " " + v.parent() + " " + v.hidden()
                + " " + v.virtualSize() + " " + v.allocatedBytes() + " " + v.depth()).sorted().toList();
    }
}
