package org.smapimigrate.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.bench.ExternalTool;
import org.smapimigrate.bench.SparseInput;
import org.smapimigrate.execute.JournalEntry;
import org.smapimigrate.execute.RunEvents;
import org.smapimigrate.execute.StateDirectory;
import org.smapimigrate.execute.VdiRun;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.plan.CopyExtents;
import org.smapimigrate.plan.Step;
import org.smapimigrate.verify.BlockChecks;

/**
 * The verify step reads the target back and compares its block checks with those the copy took
 * from the source's bytes (no second SHA-256 of every byte): a clean copy is recorded as checked
 * that way, and a target changed between the copy and the verify step (a flipped bit in data,
 * bytes in what should read as zeros) fails the run, naming the 2 MiB block.
 */
class ReadBackCheckTest {
    private static final String VDI = "0e0e0e0e-1111-4222-8333-555555555555";
    private static final long SIZE = 24L << 20;

    @TempDir
    Path tmp;

    private Path source() throws Exception {
        Path raw = tmp.resolve("disk.raw");
        SparseInput.writeRaw(raw, SIZE, 50, 7);
        Path srDir = Files.createDirectories(tmp.resolve("v1"));
        SparseInput.toDynamicVhd(ExternalTool.require("qemu-img", "qemu-utils"), raw, srDir.resolve(VDI + ".vhd"));
        return srDir;
    }

    /** Runs the migrate, calling {@code afterCopy} with the volume file once the copy step is done. */
    private void migrate(Path srDir, String name, java.util.function.Consumer<Path> afterCopy) throws IOException {
        Path target = tmp.resolve(name);
        RunEvents events = new RunEvents() {
            @Override
            public void stepDone(Step step, JournalEntry entry) {
                if (step instanceof CopyExtents) {
                    afterCopy.accept(target.resolve(entry.volumeKey() + ".raw"));
                }
            }
        };
        try (FileSr sr = FileSr.open(srDir)) {
            VdiRun.migrate(sr, List.of(srDir.toString()), List.of(VDI), EngineRun.bundledTarget(
                    MigrationFixtures.bundledRootPath(), target), Duration.ofSeconds(60),
                    new StateDirectory(tmp.resolve("state-" + name)), events, Set.of());
        }
    }

    private static void writeAt(Path file, long offset, byte[] bytes) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            f.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readAt(Path file, long offset, int n) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] b = new byte[n];
            f.seek(offset);
            f.readFully(b);
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aCleanCopyIsCheckedByItsBlockChecks() throws Exception {
        Path srDir = source();
        migrate(srDir, "clean", f -> { });
        Path state = tmp.resolve("state-clean");
        try (var files = Files.walk(state)) {
            Path manifest = files.filter(p -> p.toString().endsWith(".manifest.json")).findFirst().orElseThrow();
            var m = org.smapimigrate.verify.ManifestFile.read(manifest);
            assertTrue(m.verification().matches());
            assertEquals(BlockChecks.ALGORITHM, m.verification().method());
        }
    }

    @Test
    void aBitFlippedAfterTheCopyFailsTheRunAtItsBlock() throws Exception {
        Path srDir = source();
        long[] at = new long[1];
        IOException e = assertThrows(IOException.class, () -> migrate(srDir, "flipped", f -> {
            // the first byte that is not zero: data the copy wrote
            for (long off = 0; off < SIZE; off += 4096) {
                byte[] b = readAt(f, off, 4096);
                for (int i = 0; i < b.length; i++) {
                    if (b[i] != 0) {
                        b[i] ^= 0x10;
                        writeAt(f, off + i, new byte[] {b[i]});
                        at[0] = off + i;
                        return;
                    }
                }
            }
            throw new AssertionError("no data in the volume");
        }));
        long block = at[0] / (2 << 20) * (2 << 20);
        assertTrue(e.getMessage().contains("1 block(s) of 2 MiB differ, first at byte offsets " + block),
                e.getMessage());
    }

    @Test
    void bytesWrittenIntoAHoleAfterTheCopyFailTheRun() throws Exception {
        Path srDir = source();
        long[] at = new long[1];
        IOException e = assertThrows(IOException.class, () -> migrate(srDir, "hole", f -> {
            // a 2 MiB block of zeros on the target (SparseInput leaves half the blocks empty)
            for (long off = 0; off < SIZE; off += 2 << 20) {
                byte[] b = readAt(f, off, 2 << 20);
                boolean zero = true;
                for (byte x : b) {
                    zero &= x == 0;
                }
                if (zero) {
                    writeAt(f, off + 12345, new byte[] {1});
                    at[0] = off;
                    return;
                }
            }
            throw new AssertionError("no zero block in the volume");
        }));
        assertTrue(e.getMessage().contains("first at byte offsets " + at[0]), e.getMessage());
    }
}
