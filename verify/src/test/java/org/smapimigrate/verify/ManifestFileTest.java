package org.smapimigrate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestFileTest {
    @TempDir
    Path tmp;

    private Manifest sample() throws Exception {
        byte[] disk = new byte[(5 << 20) + 512];
        new Random(3).nextBytes(disk);
        java.util.Arrays.fill(disk, 2 << 20, 4 << 20, (byte) 0);
        DiskDigest d = BlockDigesterTest.digestOf(disk);
        return new Manifest(Manifest.FORMAT, "smapi-migrate test", "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z",
                new Manifest.Source("/srv/sr", "file", "sr-uuid", "vdi-uuid", null, "raw", disk.length),
                new Manifest.Target("/root", "org.smapimigrate.dirvol", Map.of("path", "/t"), "file:///t", "key",
                        "key", "name", disk.length, "raw+file:///t/key.raw", "File /t/key.raw"),
                d, new Manifest.Verification("match", "2026-01-01T00:00:01Z", d.whole(), 0, "match"));
    }

    @Test
    void roundTripKeepsEverything() throws Exception {
        Manifest m = sample();
        Path p = tmp.resolve("m.json");
        ManifestFile.write(p, m);
        Manifest back = ManifestFile.read(p);
        assertEquals(m, back);
        assertEquals(2, back.digest().nonZeroBlocks(), "the zeroed block 1 is not listed");
        String text = Files.readString(p);
        assertTrue(text.contains("\"algorithm\" : \"" + DiskDigest.ALGORITHM + "\""), text);
        assertTrue(text.contains("\"vdi_uuid\""), text);
    }

    @Test
    void unknownAlgorithmOrDamagedDigestIsAClearError() throws Exception {
        Path p = tmp.resolve("m.json");
        ManifestFile.write(p, sample());
        String text = Files.readString(p);
        Files.writeString(p, text.replace(DiskDigest.ALGORITHM, "md5-of-everything"));
        IOException e = assertThrows(IOException.class, () -> ManifestFile.read(p));
        assertTrue(e.getMessage().contains("md5-of-everything"), e.getMessage());
        Files.writeString(p, text.replaceFirst("\"whole\" : \"[0-9a-f]{4}", "\"whole\" : \"zz"));
        assertThrows(IOException.class, () -> ManifestFile.read(p));
        Files.writeString(p, "{}");
        assertThrows(IOException.class, () -> ManifestFile.read(p));
    }
}
