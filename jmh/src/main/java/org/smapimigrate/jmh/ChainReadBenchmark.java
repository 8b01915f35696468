package org.smapimigrate.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.vhd.VhdWriter;

/**
 * The chain reader's hot loop: reading a whole VHD chain in 4 MiB pieces, as DiskCopy's reader
 * thread does. The chain is {@code depth} images deep: a base with data in half of its 2 MiB
 * blocks, and children each overwriting scattered 64 KiB runs, so most reads consult the sector
 * bitmaps of every layer. Files live in the temporary directory (tmpfs measures the CPU).
 * Score: seconds per whole-disk read; bytes per second = 256 MiB / score.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ChainReadBenchmark {
    static final long SIZE = 256L << 20;
    static final int CHUNK = 4 << 20;

    @Param({"1", "3"})
    int depth;

    Path dir;
    VirtualDisk chain;
    ByteBuffer buffer;

    @Setup(Level.Trial)
    public void makeChain() throws IOException {
        dir = Files.createTempDirectory("jmh-chain");
        SplittableRandom random = new SplittableRandom(7);
        Path parent = dir.resolve("layer0.vhd");
        try (VhdWriter w = VhdWriter.dynamic(parent, SIZE).create()) {
            ByteBuffer block = ByteBuffer.allocate(2 << 20);
            for (long b = 0; b < SIZE / block.capacity(); b++) {
                if (random.nextBoolean()) {
                    fill(block, random);
                    w.write(b * block.capacity(), block);
                }
            }
        }
        for (int layer = 1; layer < depth; layer++) {
            Path child = dir.resolve("layer" + layer + ".vhd");
            try (VhdWriter w = VhdWriter.differencing(child, parent).create()) {
                ByteBuffer run = ByteBuffer.allocate(64 << 10);
                for (int i = 0; i < 512; i++) {
                    fill(run, random);
                    w.write(random.nextLong(SIZE / run.capacity()) * run.capacity(), run);
                }
            }
            parent = child;
        }
        chain = FileSr.openVhdFile(parent);
        buffer = ByteBuffer.allocateDirect(CHUNK);
    }

    private static void fill(ByteBuffer b, SplittableRandom random) {
        b.clear();
        while (b.hasRemaining()) {
            b.putLong(random.nextLong());
        }
        b.flip();
    }

    @Benchmark
    public void readWholeChain(Blackhole bh) throws IOException {
        for (long off = 0; off < SIZE; off += CHUNK) {
            buffer.clear();
            chain.read(buffer, off);
            bh.consume(buffer.get(0));
        }
    }

    @Benchmark
    public void extentsOfWholeChain(Blackhole bh) throws IOException {
        for (long off = 0; off < SIZE; off += CHUNK) {
            bh.consume(chain.extents(off, CHUNK));
        }
    }

    @TearDown(Level.Trial)
    public void remove() throws IOException {
        chain.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
