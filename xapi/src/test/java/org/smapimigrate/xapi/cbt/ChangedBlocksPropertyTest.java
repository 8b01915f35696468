package org.smapimigrate.xapi.cbt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * ChangedBlocks against a simple model of xapi-integration.md section 4 "CBT": a disk size and
 * the set of changed 64 KiB block numbers. The model's bitmap is written as a string of '0' and
 * '1', one character per block in block order, padded with '0' to a byte, and each group of eight
 * characters read as a binary number: so block 0 is the byte's most significant bit by the way
 * the digits are read, not by our decoder's shifts. The decoded runs must cover exactly the bytes
 * of the changed blocks (the last block cut at the disk size), sorted and merged.
 */
class ChangedBlocksPropertyTest {
    record Case(long size, Set<Long> changed, int slackZeroBytes) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Long> sizes = Arbitraries.oneOf(
                Arbitraries.longs().between(1, 40L * 65536 + 4095),
                Arbitraries.longs().between(1, 600).map(b -> b * 65536),
                Arbitraries.longs().between(1, 600).map(b -> b * 65536 - 512));
        return sizes.flatMap(size -> {
            long blocks = (size + 65535) / 65536;
            Arbitrary<Set<Long>> changed = Arbitraries.longs().between(0, blocks - 1).set().ofMaxSize((int) Math.min(blocks, 200));
            Arbitrary<Set<Long>> runs = Arbitraries.longs().between(0, blocks - 1).flatMap(start ->
                    Arbitraries.longs().between(1, Math.max(1, blocks - start)).map(len -> {
                        Set<Long> s = new TreeSet<>();
                        for (long i = start; i < start + len; i++) {
                            s.add(i);
                        }
                        return s;
                    }));
            return Combinators.combine(Arbitraries.oneOf(changed, runs), Arbitraries.integers().between(0, 3))
                    .as((c, slack) -> new Case(size, c, slack));
        });
    }

    static String modelBitmap(Case c) {
        long blocks = (c.size() + 65535) / 65536;
        StringBuilder bits = new StringBuilder();
        for (long i = 0; i < blocks; i++) {
            bits.append(c.changed().contains(i) ? '1' : '0');
        }
        while (bits.length() % 8 != 0) {
            bits.append('0');
        }
        byte[] out = new byte[bits.length() / 8 + c.slackZeroBytes()];
        for (int i = 0; i < bits.length() / 8; i++) {
            out[i] = (byte) Integer.parseInt(bits.substring(i * 8, i * 8 + 8), 2);
        }
        return Base64.getEncoder().encodeToString(out);
    }

    @Property(tries = 300)
    void decodedRunsCoverExactlyTheChangedBlocks(@ForAll("cases") Case c) throws Exception {
        ChangedBlocks d = ChangedBlocks.decode(modelBitmap(c), c.size(), "test");
        long expectedBytes = 0;
        for (long b : c.changed()) {
            expectedBytes += Math.min(65536, c.size() - b * 65536);
        }
        assertEquals(expectedBytes, d.bytes());
        long blocks = (c.size() + 65535) / 65536;
        for (long b = 0; b < blocks; b++) {
            long first = b * 65536;
            long last = Math.min(c.size(), first + 65536) - 1;
            assertEquals(c.changed().contains(b), d.covers(first), "block " + b + " first byte");
            assertEquals(c.changed().contains(b), d.covers(last), "block " + b + " last byte");
        }
        long prevEnd = -1;
        for (int i = 0; i < d.count(); i++) {
            assertTrue(d.start(i) > prevEnd, "runs sorted and merged (no two touch)");
            assertTrue(d.end(i) > d.start(i) && d.end(i) <= c.size());
            assertEquals(0, d.start(i) % 65536);
            prevEnd = d.end(i);
        }
        assertTrue(!d.covers(c.size()), "nothing at or past the end");
    }
}
