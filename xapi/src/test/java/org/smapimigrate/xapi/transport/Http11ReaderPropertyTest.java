package org.smapimigrate.xapi.transport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.smapimigrate.xapi.OneLine;

/**
 * Properties of the small HTTP/1.1 reader against the simplest model of each framing: the body is
 * the bytes that were framed, however they were cut into chunks (RFC 9112 section 7.1), and a
 * Content-Length body is exactly its first n bytes.
 */
class Http11ReaderPropertyTest {

    @Property(tries = 300)
    void chunkedBodiesDecodeToWhatWasFramed(@ForAll @Size(max = 5000) byte[] body,
                                            @ForAll("cuts") List<Integer> cuts, @ForAll boolean extensions)
            throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        int pos = 0;
        int i = 0;
        while (pos < body.length) {
            int n = Math.min(body.length - pos, cuts.isEmpty() ? body.length : cuts.get(i++ % cuts.size()));
            wire.writeBytes((Integer.toHexString(n) + (extensions ? ";x=\"y\"" : "") + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            wire.write(body, pos, n);
            wire.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            pos += n;
        }
        wire.writeBytes("0\r\n\r\ntrailing garbage".getBytes(StandardCharsets.ISO_8859_1));
        HttpReply r = Http11Reader.read(new ByteArrayInputStream(wire.toByteArray()), "test");
        byte[] got = r.body().readAllBytes();
        if (!Arrays.equals(body, got)) {
            throw new AssertionError("decoded " + got.length + " bytes, framed " + body.length);
        }
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(1, 700).list().ofMaxSize(8);
    }

    @Property(tries = 200)
    void contentLengthBodiesAreExactlyThatLong(@ForAll @Size(max = 3000) byte[] body, @ForAll @IntRange(max = 50) int extra)
            throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        wire.writeBytes(body);
        wire.writeBytes(new byte[extra]);
        byte[] got = Http11Reader.read(new ByteArrayInputStream(wire.toByteArray()), "test").body().readAllBytes();
        if (!Arrays.equals(body, got)) {
            throw new AssertionError("read " + got.length + " bytes of " + body.length);
        }
    }

    @Property(tries = 500)
    void oneLineTextHasNoControlCharacters(@ForAll String s) {
        String shown = OneLine.of(s, 200);
        for (char c : shown.toCharArray()) {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                throw new AssertionError("control character " + (int) c + " in " + shown);
            }
        }
        if (shown.length() > 200 + 3 + 6) {
            throw new AssertionError("too long: " + shown.length());
        }
    }
}
