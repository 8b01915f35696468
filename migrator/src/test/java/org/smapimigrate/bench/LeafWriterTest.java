package org.smapimigrate.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.live.FrozenState;
import org.smapimigrate.live.HookCommand;
import org.smapimigrate.live.LocalController;
import org.smapimigrate.live.StopPolicy;
import org.smapimigrate.vhd.VhdWriter;

/**
 * The writer against the real local controller: it writes while two freezes pause and unpause it
 * through {@link LeafWriter#hookCommand} (run by {@code /bin/sh}) and the stop hook ends it; then
 * the VDI, read through its chain of three layers, equals a replay of the writer's random stream
 * into a plain array (the model), and so do the frozen states up to what was written before them.
 */
class LeafWriterTest {
    private static final int SIZE = 32 << 20;
    private static final int WRITE = 4096;

    @Test
    void writesAtItsRateAndObeysPauseUnpauseAndStop(@TempDir Path dir) throws Exception {
        Path sr = Files.createDirectories(dir.resolve("sr"));
        String vdi = "6a1f4c2e-2222-4c6e-9a7b-8d1e2f3a4b5c";
        Path leaf = sr.resolve(vdi + ".vhd");
        VhdWriter.dynamic(leaf, SIZE).create().close();
        Path ctl = dir.resolve("ctl");
        LeafWriter writer = new LeafWriter(leaf, 4L << 20, WRITE, ctl, 11, 0);
        Thread t = writer.start();
        String hook = LeafWriter.hookCommand(ctl);
        try (LocalController c = new LocalController(sr, dir.resolve("records"), new HookCommand("--reopen-hook", hook),
                new HookCommand("--stop-hook", hook), new HookCommand("--start-hook", hook))) {
            Thread.sleep(300);
            FrozenState first = c.freeze(vdi);
            long atFirst = writer.writtenAtPauses().get(0);
            Thread.sleep(300);
            FrozenState second = c.freeze(vdi);
            long atSecond = writer.writtenAtPauses().get(1);
            Thread.sleep(300);
            c.forDisk(vdi);
            c.stop(new StopPolicy(Duration.ofSeconds(20), false));
            t.join(10_000);
            assertNull(writer.failure());
            long total = writer.written();
            assertTrue(atFirst > 0 && atSecond > atFirst && total > atSecond, atFirst + " " + atSecond + " " + total);
            // About 4 MiB/s over the ~0.9 s it ran (pauses not made up): within a generous band.
            assertTrue(total > (1L << 20) && total < (8L << 20), "wrote " + total);
            assertEquals(Long.toString(total), Files.readString(ctl.resolve(LeafWriter.STOPPED)));
            assertArrayEquals(model(11, atFirst), read(c.open(first)), "first frozen state");
            assertArrayEquals(model(11, atSecond), read(c.open(second)), "second frozen state");
            assertArrayEquals(model(11, total), read(c.open(c.quiet(vdi))), "the stopped disk");
            c.release(first);
            c.release(second);
        }
        try (FileSr s = FileSr.open(sr); VirtualDisk d = s.openVdi(vdi)) {
            assertEquals(SIZE, d.size());
        }
    }

    @Test
    void theHookQuotesItsDirectory() {
        assertEquals("'/tmp/a b'\\''c'", LeafWriter.quote("/tmp/a b'c"));
        assertTrue(LeafWriter.hookCommand(Path.of("/x/it's")).startsWith("c='/x/it'\\''s'; case"));
    }

    /** The writer's stream replayed: {@code bytes / WRITE} writes of random data at random offsets. */
    static byte[] model(long seed, long bytes) {
        byte[] disk = new byte[SIZE];
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = new byte[WRITE];
        for (long i = 0; i < bytes / WRITE; i++) {
            random.nextBytes(data);
            long at = random.nextLong(SIZE / WRITE) * WRITE;
            System.arraycopy(data, 0, disk, (int) at, WRITE);
        }
        return disk;
    }

    static byte[] read(VirtualDisk d) throws Exception {
        try (d) {
            ByteBuffer b = ByteBuffer.allocate(SIZE);
            d.read(b, 0);
            return b.array();
        }
    }
}
