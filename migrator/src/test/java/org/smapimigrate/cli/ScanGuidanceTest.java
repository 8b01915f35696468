package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.testing.Corpus;

/** {@code scan} given the wrong thing says what it was given and what to pass instead. */
class ScanGuidanceTest {
    private static final String SR = "b0fca227-5603-4f8a-b1be-036360633f13";

    @Test
    void aDirectoryOfSrsNamesThem() {
        Path parent = Corpus.path("file-sr");
        CliRun r = CliRun.of("scan", parent.toString());
        assertEquals(1, r.exitCode(), r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("holds no VHD or raw file but an SR directory: " + parent.resolve(SR)), r.err());
        assertTrue(r.err().contains("pass it"), r.err());
    }

    @Test
    void severalSrsAreListed(@TempDir Path mount) throws Exception {
        for (String sr : new String[] {"aaaaaaaa-0000-4000-8000-000000000001", "aaaaaaaa-0000-4000-8000-000000000002"}) {
            Path d = Files.createDirectories(mount.resolve(sr));
            Files.copy(Corpus.path("file-sr/" + SR + "/db391a5a-ed94-4fd3-b178-6fe9c35fb3a6.raw"),
                    d.resolve("db391a5a-ed94-4fd3-b178-6fe9c35fb3a6.raw"));
        }
        Files.createDirectories(mount.resolve("lost+found"));
        CliRun r = CliRun.of("plan", "--sr", mount.toString(), "--target-sr", mount.resolve("v3").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("2 SR directories: " + mount.resolve("aaaaaaaa-0000-4000-8000-000000000001") + ", "
                + mount.resolve("aaaaaaaa-0000-4000-8000-000000000002") + "; pass one of them"), r.err());
        assertFalse(r.err().contains("lost+found"), r.err());
    }

    @Test
    void anEmptyDirectoryIsAnEmptySr(@TempDir Path empty) {
        CliRun r = CliRun.of("scan", "--json", empty.toString());
        assertEquals(0, r.exitCode(), r.err());
    }

    @Test
    void aVhdFileIsNamedAsSuch() {
        for (String file : new String[] {"file-sr/" + SR + "/331a22ef-50c1-48c8-8b69-8cdde37cb59e.vhd",
            "broken/primary-footer-corrupt", "dialects/qemu-fixed"}) {
            Path p = Corpus.path(file);
            if (Files.isDirectory(p)) {
                try (var s = Files.list(p)) {
                    p = s.filter(x -> x.toString().endsWith(".vhd")).findFirst().orElseThrow();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            CliRun r = CliRun.of("scan", p.toString());
            assertEquals(1, r.exitCode(), r.out());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains(p + ": a VHD file, not an SR. Pass the SR directory that holds it ("
                    + p.toAbsolutePath().getParent() + ")"), r.err());
            assertTrue(r.err().contains("'smapi-migrate export " + p + " -o disk.raw'"), r.err());
            assertFalse(r.err().toLowerCase(Locale.ROOT).contains("label"), r.err());
        }
    }

    @Test
    void fileSrScanJsonHasTheSnapshotKeysAsNull() throws Exception {
        CliRun r = CliRun.of("scan", "--json", Corpus.path("file-sr/" + SR).toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode v = new ObjectMapper().readTree(r.out()).get("vdis").get(0);
        for (String key : new String[] {"is_a_snapshot", "snapshot_of", "snapshot_time"}) {
            assertTrue(v.has(key) && v.get(key).isNull(), key + " in " + v);
        }
    }
}
