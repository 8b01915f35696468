package org.smapimigrate.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.vhd.VhdWriter;

/**
 * Random chains written with {@link VhdWriter} read back exactly like a plain model of the same
 * writes: per sector, from the leaf up, a sector at or past a layer's size is zero and stops, a
 * written sector wins, the root (or a raw root's bytes) ends the walk.
 */
class ChainPropertiesTest {
    private static final int SECTOR = 512;
    private static final int SPB = 4096;

    /** A write of {@code count} sectors at {@code sector}, of random bytes or of zeros. */
    record Write(int sector, int count, boolean zeros, long seed) {
    }

    record Layer(int sectors, List<Write> writes) {
    }

    /** Layers from the root to the leaf; {@code rawRootSectors > 0} puts a raw image under the root. */
    record Scenario(int rawRootSectors, long rawSeed, List<Layer> layers) {
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Integer> raw = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1, 3 * SPB));
        Arbitrary<List<Layer>> layers = layer().list().ofMinSize(1).ofMaxSize(5);
        return Combinators.combine(raw.map(r -> r), Arbitraries.longs(), layers)
                .filter((r, seed, ls) -> r == 0 || ls.size() >= 1)
                .as(Scenario::new);
    }

    private Arbitrary<Layer> layer() {
        Arbitrary<Integer> sizes = Arbitraries.oneOf(
                Arbitraries.integers().between(1, 3 * SPB + 100),
                Arbitraries.integers().between(1, 3).map(b -> b * SPB));
        return sizes.flatMap(size -> write(size).list().ofMaxSize(6).map(ws -> new Layer(size, ws)));
    }

    private Arbitrary<Write> write(int size) {
        Arbitrary<Boolean> zeros = Arbitraries.integers().between(0, 5).map(z -> z == 0);
        Arbitrary<Write> small = Combinators.combine(Arbitraries.integers().between(0, size - 1),
                Arbitraries.integers().between(1, 40), zeros, Arbitraries.longs())
                .as((s, c, z, seed) -> new Write(s, Math.min(c, size - s), z, seed));
        Arbitrary<Write> spanning = Combinators.combine(Arbitraries.integers().between(0, size - 1),
                Arbitraries.integers().between(1, SPB + 700), zeros, Arbitraries.longs())
                .as((s, c, z, seed) -> new Write(s, Math.min(c, size - s), z, seed));
        int blocks = (size + SPB - 1) / SPB;
        Arbitrary<Write> fullBlock = Combinators.combine(Arbitraries.integers().between(0, blocks - 1), zeros,
                Arbitraries.longs()).as((b, z, seed) -> new Write(b * SPB, Math.min(SPB, size - b * SPB), z, seed));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, small), net.jqwik.api.Tuple.of(2, spanning), net.jqwik.api.Tuple.of(2, fullBlock));
    }

    /** The expected bytes of each layer and which sectors each layer holds. */
    static final class Model {
        final byte[][] data;
        final boolean[][] written;
        final byte[] raw;

        Model(Scenario s) {
            int n = s.layers().size();
            data = new byte[n][];
            written = new boolean[n][];
            for (int i = 0; i < n; i++) {
                Layer l = s.layers().get(i);
                data[i] = new byte[l.sectors() * SECTOR];
                written[i] = new boolean[l.sectors()];
                for (Write w : l.writes()) {
                    byte[] bytes = bytes(w);
                    System.arraycopy(bytes, 0, data[i], w.sector() * SECTOR, bytes.length);
                    for (int k = 0; k < w.count(); k++) {
                        written[i][w.sector() + k] = true;
                    }
                }
            }
            raw = s.rawRootSectors() > 0 ? random(s.rawSeed(), s.rawRootSectors() * SECTOR) : null;
        }

        /** Index of the layer holding the sector, n for the raw root, -1 for zeros. */
        int source(int sector) {
            for (int i = data.length - 1; i >= 0; i--) {
                if (sector >= written[i].length) {
                    return -1;
                }
                if (written[i][sector]) {
                    return i;
                }
            }
            return raw != null && sector < raw.length / SECTOR ? data.length : -1;
        }

        byte[] flatten() {
            int sectors = written[written.length - 1].length;
            byte[] out = new byte[sectors * SECTOR];
            for (int s = 0; s < sectors; s++) {
                int src = source(s);
                if (src >= 0) {
                    byte[] from = src == data.length ? raw : data[src];
                    System.arraycopy(from, s * SECTOR, out, s * SECTOR, SECTOR);
                }
            }
            return out;
        }
    }

    static byte[] bytes(Write w) {
        return w.zeros() ? new byte[w.count() * SECTOR] : random(w.seed(), w.count() * SECTOR);
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes the scenario as files: root.raw (optional), l0.vhd (root), l1.vhd, ... leaf last. */
    static Path build(Scenario s, Path dir) throws IOException {
        Path parent = null;
        if (s.rawRootSectors() > 0) {
            parent = dir.resolve("root.raw");
            Files.write(parent, new Model(s).raw);
        }
        for (int i = 0; i < s.layers().size(); i++) {
            Layer l = s.layers().get(i);
            Path file = dir.resolve("l" + i + ".vhd");
            VhdWriter.Spec spec = parent == null ? VhdWriter.dynamic(file, (long) l.sectors() * SECTOR)
                    : VhdWriter.differencing(file, parent).size((long) l.sectors() * SECTOR);
            if (i == 0 && s.rawRootSectors() > 0) {
                spec.rawParent();
            }
            try (VhdWriter w = spec.hidden(i < s.layers().size() - 1).create()) {
                for (Write wr : l.writes()) {
                    w.write((long) wr.sector() * SECTOR, bytes(wr));
                }
            }
            parent = file;
        }
        return parent;
    }

    @Property
    void chainsFlattenLikeTheModel(@ForAll("scenarios") Scenario s, @ForAll long readSeed) throws IOException {
        Path dir = Files.createTempDirectory("chainprop");
        try {
            Path leaf = build(s, dir);
            Model m = new Model(s);
            byte[] expected = m.flatten();
            try (VhdChain chain = FileSr.openVhdFile(leaf)) {
                assertEquals(expected.length, chain.size());
                assertEquals(s.layers().size() + (s.rawRootSectors() > 0 ? 1 : 0), chain.depth());
                ByteBuffer all = ByteBuffer.allocateDirect(expected.length);
                chain.read(all, 0);
                byte[] got = new byte[expected.length];
                all.flip().get(got);
                assertArrayEquals(expected, got, "whole disk");

                Random r = new Random(readSeed);
                for (int i = 0; i < 6; i++) {
                    int off = r.nextInt(expected.length);
                    int len = r.nextInt(expected.length - off + 1);
                    ByteBuffer part = r.nextBoolean() ? ByteBuffer.allocate(len + 3) : ByteBuffer.allocateDirect(len + 3);
                    part.position(3);
                    chain.read(part, off);
                    assertEquals(part.limit(), part.position());
                    byte[] slice = new byte[len];
                    part.position(3);
                    part.get(slice);
                    assertArrayEquals(java.util.Arrays.copyOfRange(expected, off, off + len), slice,
                            "read of " + len + " at " + off);
                }
                assertExtentsCoverData(chain, m, 0, expected.length);
                int a = r.nextInt(expected.length);
                assertExtentsCoverData(chain, m, a, r.nextInt(expected.length - a + 1));
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Extents tile the window, and no sector the model holds (zeros included) is UNALLOCATED. */
    private static void assertExtentsCoverData(VhdChain chain, Model m, long offset, long length) throws IOException {
        List<Extent> extents = chain.extents(offset, length);
        long pos = offset;
        for (Extent x : extents) {
            assertEquals(pos, x.offset(), "extents tile the window");
            pos = x.end();
            if (x.kind() != ExtentKind.DATA) {
                for (long b = x.offset(); b < x.end(); b += SECTOR - (b % SECTOR)) {
                    int sector = (int) (b / SECTOR);
                    if (m.source(sector) >= 0) {
                        throw new AssertionError(x + " covers sector " + sector + ", which layer "
                                + m.source(sector) + " holds");
                    }
                }
            }
        }
        assertEquals(offset + length, pos, "extents cover the window");
        if (length == 0) {
            assertEquals(new ArrayList<Extent>(), extents);
        }
    }
}
