package org.smapimigrate.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.smapimigrate.verify.BlockDigester;
import org.smapimigrate.verify.DiskDigest;

/**
 * The hash: {@link BlockDigester} (SHA-256 per 2 MiB block, then over the block digests) fed a
 * 64 MiB disk in 4 MiB pieces as the copy pipeline feeds it, next to plain SHA-256 over the same
 * bytes (the floor for one thread) and over all-zero data (which the digester skips).
 * Score: milliseconds per 64 MiB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HashBenchmark {
    static final int DISK = 64 << 20;
    static final int PIECE = 4 << 20;

    ByteBuffer data;
    ByteBuffer zeros;

    @Setup
    public void fill() {
        data = ByteBuffer.allocateDirect(PIECE);
        SplittableRandom random = new SplittableRandom(11);
        while (data.hasRemaining()) {
            data.putLong(random.nextLong());
        }
        data.flip();
        zeros = ByteBuffer.allocateDirect(PIECE);
    }

    @Benchmark
    public DiskDigest blockDigesterData() throws IOException {
        return digest(data);
    }

    @Benchmark
    public DiskDigest blockDigesterZeros() throws IOException {
        return digest(zeros);
    }

    private static DiskDigest digest(ByteBuffer piece) throws IOException {
        BlockDigester d = new BlockDigester(DISK);
        for (long off = 0; off < DISK; off += PIECE) {
            d.data(off, piece.duplicate());
        }
        return d.finish();
    }

    @Benchmark
    public byte[] plainSha256() throws NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (long off = 0; off < DISK; off += PIECE) {
            sha.update(data.duplicate());
        }
        return sha.digest();
    }
}
