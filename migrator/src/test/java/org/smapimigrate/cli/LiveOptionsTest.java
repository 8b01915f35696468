package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.live.LiveSettings;
import picocli.CommandLine;

/**
 * --switch-below as bytes or seconds, --max-passes and --shutdown-timeout, as 'migrate --mode live'
 * reads them: the grammar of 'plan --mode live' (SwitchBelow), with the run's own bounds (no 0)
 * as usage errors.
 */
class LiveOptionsTest {
    /** The options as picocli fills them from a 'migrate' command line, then checked. */
    private static LiveSettings parse(String... args) {
        MigrateCommand c = new MigrateCommand();
        new CommandLine(c).parseArgs(args);
        return c.live.settings();
    }

    private static LiveSettings below(String value) {
        return parse("--switch-below", value);
    }

    @Test
    void bytesOrSecondsInTheGrammarThePlanReads() {
        LiveSettings b = parse("--switch-below", "64M", "--shutdown-timeout", "120");
        assertEquals(64L << 20, b.switchBelowBytes());
        assertNull(b.switchBelowTime());
        assertEquals(Duration.ofSeconds(120), b.stop().timeout());
        assertFalse(b.stop().force());
        LiveSettings s = parse("--switch-below", "0.5s", "--max-passes", "3", "--shutdown-timeout", "5",
                "--force-shutdown");
        assertEquals(-1, s.switchBelowBytes());
        assertEquals(Duration.ofMillis(500), s.switchBelowTime());
        assertTrue(s.stop().force());
        assertEquals(3, s.maxPasses());
        assertEquals(1L << 30, below("1G").switchBelowBytes());
        // What only the plan's grammar read before: decimals, iB and B suffixes, 'sec', spaces.
        assertEquals(1536L << 20, below("1.5G").switchBelowBytes());
        assertEquals(64L << 20, below("64MiB").switchBelowBytes());
        assertEquals(64L << 10, below("64KB").switchBelowBytes());
        assertEquals(2L << 40, below("2T").switchBelowBytes());
        assertEquals(1, below("1").switchBelowBytes());
        assertEquals(Duration.ofSeconds(10), below("10sec").switchBelowTime());
        assertEquals(Duration.ofSeconds(2), below("2S").switchBelowTime());
        assertEquals(Duration.ofSeconds(3), below(" 3 seconds ").switchBelowTime());
        assertEquals(64L << 20, parse().switchBelowBytes(), "the default");
    }

    @Test
    void zeroAndNonsenseAreUsageErrorsNamingTheOptionAndValue() {
        for (String bad : new String[] {"soon", "-1s", "0s", "0.0sec", "0", "0M", "0.0001", "xs", "12Q", "1e3",
            "86401s", "1.5.5G", "M"}) {
            CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class, () -> below(bad),
                    bad);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().startsWith("--switch-below"), e.getMessage());
            assertTrue(e.getMessage().contains(bad.strip()), e.getMessage());
        }
        assertThrows(CommandLine.ParameterException.class, () -> parse("--max-passes", "0"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("--max-passes", "65"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("--shutdown-timeout", "0"));
    }

    /** Through the whole command line: exit 2, one line naming the option and the value, before anything is done. */
    @Test
    void theRunRefusesZeroWithExitTwo(@TempDir Path dir) {
        for (String bad : new String[] {"0s", "0", "soon"}) {
            CliRun r = CliRun.of("migrate", "--mode", "live", "--switch-below", bad, "--sr", dir.toString(), "--vdi",
                    "x", "--target-sr", dir.resolve("t").toString(), "--stop-hook", "true", "--start-hook", "true",
                    "--state-dir", dir.resolve("state").toString());
            assertEquals(2, r.exitCode(), bad + ": " + r.err());
            assertTrue(r.err().contains("--switch-below " + bad) || r.err().contains("--switch-below '" + bad + "'"),
                    r.err());
        }
        assertFalse(dir.resolve("state").toFile().exists(), "nothing made before the refusal");
    }
}
