package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A bad --transport value is a usage error (exit 2), refused while parsing, before any XAPI
 * connection: the URL here names nothing, so a later failure would exit 1 instead.
 */
class TransportOptionTest {

    @Test
    void anUnknownTransportIsAUsageErrorOnPlanAndMigrate() {
        for (String command : new String[] {"plan", "migrate"}) {
            CliRun r = CliRun.of(command, "--xapi", "https://192.0.2.1", "--vm", "app", "--target-sr", "sr3",
                    "--transport", "carrier-pigeon");
            assertEquals(2, r.exitCode(), command + ": " + r.err());
            assertTrue(r.err().contains("--transport") && r.err().contains("carrier-pigeon")
                    && r.err().contains("local, xapi"), r.err());
        }
    }
}
