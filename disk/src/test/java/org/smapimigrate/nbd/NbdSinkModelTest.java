package org.smapimigrate.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random sequences of pipelined writes, zeroings and reads through {@link NbdSink} and
 * {@link NbdClient} against nbdkit's memory plugin behind a strict block-size policy
 * (512-byte minimum, 64 KiB maximum, violations answered EINVAL), compared with a byte array.
 * Reads come right after writes, without a flush: the client must keep issue order.
 */
class NbdSinkModelTest {
    private static final int SIZE = 1 << 20;
    private static Path dir;
    private static NbdServerProcess server;

    sealed interface Op permits Write, Zero, Read {
    }

    record Write(int offset, int length, long seed) implements Op {
    }

    record Zero(int offset, int length) implements Op {
    }

    record Read(int offset, int length) implements Op {
    }

    @BeforeContainer
    static void startServer() throws Exception {
        dir = Files.createTempDirectory("nbd-model");
        server = NbdServerProcess.nbdkit(dir, "--filter=blocksize-policy", "memory", Integer.toString(SIZE),
                "blocksize-minimum=512", "blocksize-maximum=65536", "blocksize-error-policy=error");
    }

    @AfterContainer
    static void stopServer() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Property(tries = 40)
    void sinkMatchesAByteArray(@ForAll("ops") List<Op> ops) throws Exception {
        byte[] model = new byte[SIZE];
        try (NbdClient client = NbdClient.connect(server.uri())) {
            NbdSink sink = NbdSink.over(client, SIZE);
            sink.writeZeroes(0, SIZE); // the export outlives each try: start from zeros
            for (Op op : ops) {
                if (op instanceof Write w) {
                    byte[] data = new byte[w.length()];
                    new Random(w.seed()).nextBytes(data);
                    System.arraycopy(data, 0, model, w.offset(), w.length());
                    sink.write(ByteBuffer.wrap(data), w.offset());
                } else if (op instanceof Zero z) {
                    Arrays.fill(model, z.offset(), z.offset() + z.length(), (byte) 0);
                    sink.writeZeroes(z.offset(), z.length());
                } else if (op instanceof Read r) {
                    ByteBuffer b = ByteBuffer.allocate(r.length());
                    client.read(b, r.offset());
                    assertArrayEquals(Arrays.copyOfRange(model, r.offset(), r.offset() + r.length()), b.array(),
                            "read " + r + " after " + ops);
                }
            }
            sink.flush();
            ByteBuffer all = ByteBuffer.allocate(SIZE);
            client.read(all, 0);
            assertArrayEquals(model, all.array());
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> sector = Arbitraries.integers().between(0, SIZE / 512 - 1);
        Arbitrary<Integer> sectors = Arbitraries.integers().between(1, 400); // up to 200 KiB: split at 64 KiB
        Arbitrary<Op> write = Combinators.combine(sector, sectors, Arbitraries.longs())
                .as((s, n, seed) -> (Op) new Write(s * 512, Math.min(n, SIZE / 512 - s) * 512, seed));
        Arbitrary<Op> zero = Combinators.combine(sector, sectors)
                .as((s, n) -> (Op) new Zero(s * 512, Math.min(n, SIZE / 512 - s) * 512));
        Arbitrary<Integer> anyOffset = Arbitraries.integers().between(0, SIZE - 1);
        Arbitrary<Op> read = Combinators.combine(anyOffset, Arbitraries.integers().between(1, 150_000))
                .as((o, n) -> (Op) new Read(o, Math.min(n, SIZE - o))); // misaligned on purpose
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, write), net.jqwik.api.Tuple.of(2, zero), net.jqwik.api.Tuple.of(2, read))
                .list().ofMinSize(1).ofMaxSize(30);
    }
}
