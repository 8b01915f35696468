package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UsageTest {

    @Test
    void unknownOptionIsAUsageError() {
        CliRun r = CliRun.of("scan", "--no-such-option", "x");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--no-such-option"), r.err());
    }

    @Test
    void exportWithoutOutputIsAUsageError() {
        CliRun r = CliRun.of("export", "--sr", "x", "--vdi", "y");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--output"), r.err());
    }

    @Test
    void helpListsEveryCommandAndFitsEightyColumns() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.exitCode());
        for (String c : new String[] {"scan", "export", "plan", "migrate", "verify", "bench"}) {
            assertTrue(r.out().contains("  " + c + " "), "help lacks " + c + ":\n" + r.out());
        }
        for (String line : r.out().split("\n")) {
            assertTrue(line.length() <= 80, "help line over 80 columns: " + line);
        }
    }

    @Test
    void everyCommandAnswersHelpWithItsManual() {
        for (String c : new String[] {"scan", "export", "plan", "migrate", "verify", "bench"}) {
            CliRun r = CliRun.of(c, "--help");
            assertEquals(0, r.exitCode(), c + ": " + r.err());
            assertTrue(r.out().contains("Usage: smapi-migrate " + c), c + ":\n" + r.out());
            for (String line : r.out().split("\n")) {
                assertTrue(line.length() <= 80, c + " help line over 80 columns: " + line);
            }
        }
    }
}
