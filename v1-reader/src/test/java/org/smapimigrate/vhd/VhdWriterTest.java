package org.smapimigrate.vhd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.chain.VhdChain;
import org.smapimigrate.disk.RawFileDisk;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.testing.Corpus;

/** Our writer's output against qemu-img (a third-party reader) and against blktap's layout in the corpus. */
class VhdWriterTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    @Test
    void dynamicOutputReadsBackIdenticallyThroughQemuImg() throws Exception {
        long size = 10L * MIB + 7 * 512; // partial last block
        byte[] model = new byte[(int) size];
        Random rnd = new Random(42);
        Path vhd = tmp.resolve("d.vhd");
        try (VhdWriter w = VhdWriter.dynamic(vhd, size).create()) {
            write(w, model, 0, randomBytes(rnd, 2 * MIB));              // block 0 full
            write(w, model, 2L * MIB + 512 * 100, randomBytes(rnd, 512 * 3)); // partial block 1
            write(w, model, 4L * MIB - 512 * 5, randomBytes(rnd, 512 * 10));  // crosses blocks 1/2
            write(w, model, 6L * MIB, new byte[512 * 8]);               // zeros, still written
            write(w, model, size - 512, randomBytes(rnd, 512));          // last sector
        }
        Path raw = tmp.resolve("d.raw");
        qemuImg("convert", "-f", "vpc", "-O", "raw", vhd.toString(), raw.toString());
        assertArrayEquals(model, Files.readAllBytes(raw), "qemu-img convert of our VHD");
        try (VhdChain c = FileSr.openVhdFile(vhd)) {
            ByteBuffer b = ByteBuffer.allocate((int) size);
            c.read(b, 0);
            assertArrayEquals(model, b.array(), "our reader");
            VhdImage img = c.leaf();
            assertTrue(img.batmap().trusted(), "batmap checksum");
            assertTrue(img.isBlockFull(0), "full block 0 has its batmap bit");
            assertTrue(!img.isBlockFull(1));
            for (int i = 0; i < img.blockCount(); i++) {
                if (img.isBlockAllocated(i)) {
                    assertEquals(0, img.blockDataOffset(i) % 4096, "data of block " + i + " is 4 KiB aligned");
                }
            }
            assertEquals(List.of(), img.findings());
        }
    }

    @Test
    void qemuReadsOurPreallocatedBatToo() throws Exception {
        long size = 4L * MIB;
        Path vhd = tmp.resolve("p.vhd");
        byte[] model = new byte[(int) size];
        try (VhdWriter w = VhdWriter.dynamic(vhd, size).maxBatEntries(1024).create()) {
            write(w, model, 3L * MIB, randomBytes(new Random(7), 4096));
        }
        Path raw = tmp.resolve("p.raw");
        qemuImg("convert", "-f", "vpc", "-O", "raw", vhd.toString(), raw.toString());
        assertArrayEquals(model, Files.readAllBytes(raw));
    }

    /** An empty child of a 32 MiB parent has exactly the layout vhd-util snapshot gave the corpus. */
    @Test
    void differencingLayoutMatchesBlktap() throws Exception {
        Path sr = Corpus.path("file-sr/b0fca227-5603-4f8a-b1be-036360633f13");
        String parentName = "f7e6e53a-0409-4ff6-af20-91f60230cccd.vhd";
        Files.copy(sr.resolve(parentName), tmp.resolve(parentName));
        Path child = tmp.resolve("child.vhd");
        VhdWriter.differencing(child, tmp.resolve(parentName)).create().close();
        try (VhdImage ours = VhdImage.open(RawFileDisk.open(child), "ours");
             VhdImage theirs = VhdImage.open(RawFileDisk.open(sr.resolve("00052e7c-56bc-4736-a125-57ecb97d31c4.vhd")),
                     "blktap")) {
            assertEquals(theirs.container().size(), ours.container().size(), "file size");
            assertEquals(theirs.parentUuid(), ours.parentUuid());
            assertEquals(theirs.parentUnicodeName(), ours.parentUnicodeName());
            assertEquals(theirs.header().tableOffset(), ours.header().tableOffset());
            assertEquals(theirs.header().maxBatSize(), ours.header().maxBatSize());
            assertEquals(theirs.footer().creatorApplication(), ours.footer().creatorApplication());
            assertEquals(theirs.footer().creatorVersion(), ours.footer().creatorVersion());
            assertEquals(theirs.footer().geometry(), ours.footer().geometry());
            assertEquals(theirs.footer().features(), ours.footer().features());
            assertEquals(theirs.parentLocators(), ours.parentLocators());
            assertEquals(theirs.batmap().mapOffset(), ours.batmap().mapOffset());
            assertEquals(theirs.batmap().mapSectors(), ours.batmap().mapSectors());
            assertEquals(theirs.batmap().checksum(), ours.batmap().checksum());
        }
    }

    static void write(VhdWriter w, byte[] model, long offset, byte[] data) throws IOException {
        w.write(offset, data);
        System.arraycopy(data, 0, model, (int) offset, data.length);
    }

    static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /** Runs qemu-img; fails (never skips) when it is not installed. */
    static void qemuImg(String... args) throws Exception {
        Path bin = Path.of("/usr/bin/qemu-img");
        if (!Files.isExecutable(bin)) {
            throw new AssertionError("qemu-img is missing: apt-get install qemu-utils");
        }
        String[] cmd = new String[args.length + 1];
        cmd[0] = bin.toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "qemu-img timed out");
        assertEquals(0, p.exitValue(), "qemu-img " + String.join(" ", args) + ": " + out);
    }
}
