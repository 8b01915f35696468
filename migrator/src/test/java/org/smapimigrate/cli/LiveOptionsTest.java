package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.smapimigrate.live.LiveSettings;

/** --switch-below as bytes or seconds, --max-passes and --shutdown-timeout, as 'migrate --mode live' reads them. */
class LiveOptionsTest {
    private static LiveSettings parse(String switchBelow, int maxPasses, long timeout, boolean force) {
        LiveOptions o = new LiveOptions();
        o.switchBelow = switchBelow;
        o.maxPasses = maxPasses;
        o.shutdownTimeout = timeout;
        o.forceShutdown = force;
        return o.settings();
    }

    @Test
    void bytesOrSeconds() {
        LiveSettings b = parse("64M", 8, 120, false);
        assertEquals(64L << 20, b.switchBelowBytes());
        assertNull(b.switchBelowTime());
        assertEquals(Duration.ofSeconds(120), b.stop().timeout());
        assertFalse(b.stop().force());
        LiveSettings s = parse("0.5s", 3, 5, true);
        assertEquals(-1, s.switchBelowBytes());
        assertEquals(Duration.ofMillis(500), s.switchBelowTime());
        assertTrue(s.stop().force());
        assertEquals(3, s.maxPasses());
        assertEquals(1L << 30, parse("1G", 8, 1, false).switchBelowBytes());
        assertEquals(Duration.ofSeconds(2), parse("2S", 8, 1, false).switchBelowTime());
    }

    @Test
    void refusals() {
        for (String bad : new String[] {"soon", "-1s", "0s", "xs", "12Q"}) {
            UserError e = assertThrows(UserError.class, () -> parse(bad, 8, 1, false), bad);
            assertFalse(e.getMessage().contains("\n"));
        }
        assertThrows(UserError.class, () -> parse("1M", 0, 1, false));
        assertThrows(UserError.class, () -> parse("1M", 65, 1, false));
        assertThrows(UserError.class, () -> parse("1M", 3, 0, false));
    }
}
