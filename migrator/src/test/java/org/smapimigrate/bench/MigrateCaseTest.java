package org.smapimigrate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The plugin-process figure the bench prints comes from migrate --json's last done event. */
class MigrateCaseTest {
    @Test
    void readsPluginCallsOfTheDoneEvent() throws IOException {
        String out = "{\"event\":\"start\",\"steps\":4}\nnoise on stderr\n"
                + "{\"event\":\"done\",\"time\":\"t\",\"jobs\":1,\"plugin_calls\":12,\"plugin_seconds\":1.5}\n";
        assertEquals(12, MigrateCase.pluginCalls(out));
    }

    @Test
    void noDoneEventIsAnError() {
        assertThrows(IOException.class, () -> MigrateCase.pluginCalls("{\"event\":\"failed\",\"error\":\"x\"}\n"));
    }
}
