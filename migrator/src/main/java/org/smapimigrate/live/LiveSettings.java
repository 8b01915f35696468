package org.smapimigrate.live;

import java.time.Duration;
import java.util.Objects;

/**
 * When the passes stop and how the switch-over stops the writer.
 *
 * @param switchBelowBytes switch over after a pass that changed at most this many bytes; -1: never by bytes
 * @param switchBelowTime  switch over after a pass that took at most this long; null: never by time
 * @param maxPasses        passes before the switch-over at most, pass 0 included (at least 1)
 * @param stop             how the writer is stopped ({@code --shutdown-timeout}, {@code --force-shutdown})
 */
public record LiveSettings(long switchBelowBytes, Duration switchBelowTime, int maxPasses, StopPolicy stop) {
    public LiveSettings {
        Objects.requireNonNull(stop, "stop");
        if (maxPasses < 1) {
            throw new IllegalArgumentException("--max-passes must be at least 1, not " + maxPasses);
        }
    }

    /** True when {@code p} is small enough for the switch-over to follow it. */
    boolean below(LivePass p) {
        return (switchBelowBytes >= 0 && p.changed() <= switchBelowBytes)
                || (switchBelowTime != null && p.seconds() * 1e9 <= switchBelowTime.toNanos());
    }
}
