package org.smapimigrate.xapi.xva;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test side: every disk of an archive read through XvaArchive, front to back, in archive order. */
final class XvaReading {
    private XvaReading() {
    }

    static Map<String, byte[]> readAll(Path xva) throws IOException {
        return readAll(Files.newInputStream(xva), xva.toString());
    }

    static Map<String, byte[]> readAll(byte[] xva) throws IOException {
        return readAll(new ByteArrayInputStream(xva), "test.xva");
    }

    static Map<String, byte[]> readAll(InputStream in, String name) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (XvaArchive a = XvaArchive.open(in, name)) {
            for (XvaVdi v : a.header().disks()) {
                XvaDisk d = a.disk(v.ref());
                byte[] content = new byte[(int) d.size()];
                // Uneven reads, as a copy's window and chunk sizes fall.
                int step = 300 * 1024 + 512;
                for (int at = 0; at < content.length; at += step) {
                    d.read(ByteBuffer.wrap(content, at, Math.min(step, content.length - at)), at);
                }
                if (!d.complete()) {
                    throw new AssertionError(v.ref() + " read but not complete");
                }
                out.put(v.ref(), content);
            }
            a.verifyRest();
        }
        return out;
    }
}
