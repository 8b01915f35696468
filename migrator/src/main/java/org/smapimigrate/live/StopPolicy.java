package org.smapimigrate.live;

import java.time.Duration;
import java.util.Objects;

/**
 * How the switch-over stops the writer: a clean stop (guest shutdown, or the local stop hook)
 * waited for at most {@code timeout}; when that runs out, a forced stop ({@code VM.hard_shutdown})
 * only if {@code force} was chosen explicitly ({@code --force-shutdown}), otherwise the stop fails
 * and the switch-over is abandoned with the source still running.
 */
public record StopPolicy(Duration timeout, boolean force) {
    public StopPolicy {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("stop timeout must be positive: " + timeout);
        }
    }
}
