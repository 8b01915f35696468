package org.smapimigrate.xapi.xva;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * XXH64 against the vectors xva-format.md quotes (published XXH64("") and XXH64("abc"), and the
 * 1 MiB zero chunk) and against {@code xxhsum -H1} (Debian package xxhash, the reference
 * implementation) on random inputs of every tail length.
 */
class XxHash64Test {

    @Test
    void publishedVectors() {
        assertEquals("EF46DB3751D8E999", XxHash64.hex(new byte[0], 0, 0));
        assertEquals("44BC2CF5AD770999", XxHash64.hex("abc".getBytes(StandardCharsets.US_ASCII), 0, 3));
        assertEquals("87D2A1B6E1163EF1", XxHash64.hex(new byte[1 << 20], 0, 1 << 20));
    }

    @Property(tries = 25)
    void sameAsTheReferenceTool(@ForAll @Size(max = 300) byte[] data) throws Exception {
        assertEquals(xxhsum(data), XxHash64.hex(data, 0, data.length));
    }

    @Test
    void anOffsetSliceHashesLikeACopy() throws Exception {
        byte[] data = new byte[4099];
        new java.util.Random(7).nextBytes(data);
        byte[] slice = java.util.Arrays.copyOfRange(data, 3, 4099);
        assertEquals(xxhsum(slice), XxHash64.hex(data, 3, slice.length));
    }

    static String xxhsum(byte[] data) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("xxhsum", "-H1", "-").start();
        } catch (IOException e) {
            throw new IOException("xxhsum is needed as the reference XXH64: apt-get install xxhash", e);
        }
        try (var in = p.getOutputStream()) {
            in.write(data);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertEquals(0, p.waitFor());
        return out.split("\\s+")[0].toUpperCase();
    }
}
