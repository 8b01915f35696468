package org.smapimigrate.xapi.xva;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.smapimigrate.disk.ImageDefectException;

/**
 * The reader against a model: a disk is a list of 1 MiB chunks, each all zeros or holding random
 * bytes, the last one shorter by some sectors; written by {@link XvaWriter} with any checksum kind,
 * with or without omitted zero chunks and keep-alive members, it reads back as the model's bytes.
 * Any single flipped bit in a chunk's data, and any cut, is a typed error, never the wrong bytes.
 */
class XvaModelPropertiesTest {
    static final int MIB = 1 << 20;

    record Layout(List<Boolean> chunksWithData, int sectorsShort, long seed, XvaWriter.Checksum checksum,
                  boolean omitZeros, boolean keepAlives) {
        byte[] bytes() {
            int size = chunksWithData.size() * MIB - sectorsShort * 512;
            byte[] d = new byte[size];
            Random r = new Random(seed);
            for (int i = 0; i < chunksWithData.size(); i++) {
                if (chunksWithData.get(i)) {
                    int end = Math.min(size, (i + 1) * MIB);
                    for (int k = 0; k < 40; k++) {
                        d[i * MIB + r.nextInt(end - i * MIB)] = (byte) (1 + r.nextInt(255));
                    }
                }
            }
            return d;
        }
    }

    @Provide
    Arbitrary<Layout> layouts() {
        return Combinators.combine(Arbitraries.of(true, false).list().ofMinSize(1).ofMaxSize(6),
                Arbitraries.integers().between(0, 2047), Arbitraries.longs(),
                Arbitraries.of(XvaWriter.Checksum.class), Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as(Layout::new);
    }

    @Property(tries = 30)
    void readsBackAsTheModel(@ForAll("layouts") Layout l) throws IOException {
        byte[] model = l.bytes();
        Map<String, byte[]> got = XvaReading.readAll(write(l, model));
        assertArrayEquals(model, got.get("Ref:4"));
    }

    @Property(tries = 20)
    void aFlippedBitOrACutIsATypedError(@ForAll("layouts") Layout l, @ForAll @IntRange(max = 1 << 30) int where)
            throws IOException {
        byte[] model = l.bytes();
        byte[] t = write(l, model);
        // A data byte of some written chunk: find a chunk member's header by its name.
        List<Integer> headers = new java.util.ArrayList<>();
        for (int i = 0; i + 512 <= t.length; i += 512) {
            String name = new String(t, i, 16, java.nio.charset.StandardCharsets.US_ASCII);
            if (name.matches("Ref:4/[0-9]{8}\\u0000*") && t[i + 124] != 0) {
                headers.add(i);
            }
        }
        int h = headers.get(where % headers.size());
        long size = Long.parseLong(new String(t, h + 124, 11, java.nio.charset.StandardCharsets.US_ASCII).trim(), 8);
        if (size > 0) {
            byte[] flipped = t.clone();
            flipped[h + 512 + (int) (where % size)] ^= (byte) (1 << (where % 8));
            ImageDefectException e = assertThrows(ImageDefectException.class, () -> XvaReading.readAll(flipped));
            assertEquals("xva-checksum-mismatch", e.code(), e.getMessage());
        }
        int cut = 512 + where % (t.length - 512);
        ImageDefectException e = assertThrows(ImageDefectException.class,
                () -> XvaReading.readAll(Arrays.copyOf(t, cut)));
        assertTrue(e.code().equals("xva-truncated"), e.getMessage());
    }

    private static byte[] write(Layout l, byte[] model) throws IOException {
        Path f = Files.createTempFile("model", ".xva");
        try {
            new XvaWriter().checksum(l.checksum()).omitZeroChunks(l.omitZeros()).keepAlives(l.keepAlives())
                    .disk(XvaWriter.Disk.of("Ref:4", XvaArchiveTest.U1, "m", model, "0")).write(f);
            return Files.readAllBytes(f);
        } finally {
            Files.delete(f);
        }
    }
}
