package org.smapimigrate.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.smapimigrate.chain.ChainPropertiesTest.Model;
import org.smapimigrate.chain.ChainPropertiesTest.Scenario;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.filesr.FileSr;

/**
 * One image's own sectors ({@link OwnSectorsDisk}, through {@link FileSr#openOwnSectors}) against
 * the model of the random writes that made it: DATA exactly on the sectors written into that
 * image (zeros included), UNALLOCATED elsewhere, its own bytes on read; and the parent's flattened
 * chain with the child's own sectors laid over it is the child's flattened chain.
 */
class OwnSectorsPropertiesTest {
    private static final int SECTOR = 512;

    @Property(tries = 80)
    void ownSectorsAreExactlyTheImagesWrites(@ForAll("scenarios") Scenario s) throws IOException {
        Path dir = Files.createTempDirectory("ownsectors");
        try {
            ChainPropertiesTest.build(s, dir);
            Model m = new Model(s);
            try (FileSr sr = FileSr.open(dir)) {
                for (int i = 0; i < s.layers().size(); i++) {
                    try (VirtualDisk own = sr.openOwnSectors("l" + i)) {
                        assertEquals((long) s.layers().get(i).sectors() * SECTOR, own.size());
                        boolean[] data = dataSectors(own);
                        assertArrayEquals(m.written[i], data, "own sectors of layer " + i);
                        assertArrayEquals(masked(m.data[i], m.written[i]), readAll(own), "bytes of layer " + i);
                    }
                }
                if (s.rawRootSectors() > 0) {
                    try (VirtualDisk own = sr.openOwnSectors("root")) {
                        assertEquals(List.of(new Extent(0, own.size(), ExtentKind.DATA)), own.extents(0, own.size()));
                        assertArrayEquals(m.raw, readAll(own), "a raw image is all its own");
                    }
                }
            }
        } finally {
            delete(dir);
        }
    }

    @Property(tries = 80)
    void parentChainWithTheChildsOwnSectorsOnTopIsTheChildsChain(@ForAll("scenarios") Scenario s)
            throws IOException {
        int n = s.layers().size();
        if (n < 2) {
            return;
        }
        Path dir = Files.createTempDirectory("ownsectors");
        try {
            Path leaf = ChainPropertiesTest.build(s, dir);
            byte[] expected;
            try (VhdChain child = FileSr.openVhdFile(leaf)) {
                expected = readAll(child);
            }
            byte[] volume = new byte[expected.length];
            try (VhdChain parent = FileSr.openVhdFile(dir.resolve("l" + (n - 2) + ".vhd"))) {
                byte[] p = readAll(parent);
                System.arraycopy(p, 0, volume, 0, Math.min(p.length, volume.length));
            }
            try (FileSr sr = FileSr.open(dir); VirtualDisk own = sr.openOwnSectors("l" + (n - 1))) {
                for (Extent e : own.extents(0, own.size())) {
                    if (e.kind() == ExtentKind.UNALLOCATED) {
                        continue; // the parent's content stays
                    }
                    ByteBuffer b = ByteBuffer.allocate((int) e.length());
                    own.read(b, e.offset());
                    System.arraycopy(b.array(), 0, volume, (int) e.offset(), (int) e.length());
                }
            }
            assertArrayEquals(expected, volume);
        } finally {
            delete(dir);
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return new ChainPropertiesTest().scenarios();
    }

    /** Per sector: does an extent say DATA there? Extents must tile the disk. */
    private static boolean[] dataSectors(VirtualDisk d) throws IOException {
        boolean[] out = new boolean[(int) (d.size() / SECTOR)];
        long pos = 0;
        for (Extent e : d.extents(0, d.size())) {
            assertEquals(pos, e.offset(), "extents tile the disk");
            if (e.kind() == ExtentKind.ZERO) {
                throw new AssertionError("no block of a VhdWriter image is cut short, yet " + e + " is ZERO");
            }
            if (e.kind() == ExtentKind.DATA) {
                Arrays.fill(out, (int) (e.offset() / SECTOR), (int) (e.end() / SECTOR), true);
            }
            pos = e.end();
        }
        assertEquals(d.size(), pos, "extents cover the disk");
        return out;
    }

    private static byte[] masked(byte[] data, boolean[] written) {
        byte[] out = new byte[data.length];
        for (int s = 0; s < written.length; s++) {
            if (written[s]) {
                System.arraycopy(data, s * SECTOR, out, s * SECTOR, SECTOR);
            }
        }
        return out;
    }

    private static byte[] readAll(VirtualDisk d) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) d.size());
        d.read(b, 0);
        return b.array();
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
