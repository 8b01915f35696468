package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * export's command line is built with picocli's programmatic API (start-up, issue 10); people
 * must not see the difference. export-manual.txt is {@code smapi-migrate export --help} as the
 * annotated command printed it (commit e236e6d, before the change).
 */
class ExportManualTest {

    @Test
    void theManualReadsAsTheAnnotatedCommandPrintedIt() throws IOException {
        String expected;
        try (InputStream in = ExportManualTest.class.getResourceAsStream("export-manual.txt")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        CliRun r = CliRun.of("export", "--help");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(expected, r.out().replace(System.lineSeparator(), "\n"));
        assertEquals(expected, CliRun.of("help", "export").out().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void usageErrorsAreTheAnnotatedCommandsOnes() {
        assertUsageError("--sr needs --vdi UUID", "export", "--sr", "a", "-o", "x");
        assertUsageError("give either a VHD_FILE or --sr with --vdi, not both", "export", "a.vhd", "--vdi", "u",
                "-o", "x");
        assertUsageError("Missing required option: '--output=OUT'", "export", "a.vhd");
        assertUsageError("Missing required parameter for option '--output' (OUT)", "export", "a.vhd", "-o");
        assertUsageError("Unknown option: '--bogus'", "export", "--bogus", "a", "-o", "x");
        // Exactly one source: neither, or both, is a usage error.
        assertUsageError("Missing required argument", "export", "-o", "x");
        assertUsageError("mutually exclusive", "export", "--vdi", "u", "-o", "x", "a.vhd", "--sr", "s");
    }

    @Test
    void theCommandCarriesNoAnnotations() {
        // What keeps the annotation proxies (and the bytecode generator behind them) out of export.
        assertEquals(0, ExportCommand.class.getAnnotations().length);
        for (Field f : ExportCommand.class.getDeclaredFields()) {
            assertEquals(0, f.getAnnotations().length, f.getName());
        }
        for (Class<?> c : ExportCommand.class.getDeclaredClasses()) {
            assertEquals(0, c.getAnnotations().length, c.getName());
        }
    }

    private static void assertUsageError(String message, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(2, r.exitCode(), String.join(" ", args) + ": " + r.err());
        assertTrue(r.err().startsWith(message) || r.err().contains(message), message + " in: " + r.err());
        assertTrue(r.err().contains("Usage: smapi-migrate export"), r.err());
    }
}
