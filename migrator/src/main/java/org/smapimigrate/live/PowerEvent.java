package org.smapimigrate.live;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One power operation of the switch-over as it happened: when it was requested, when the source
 * said it was done, and how ({@code clean}, {@code forced}, {@code hook}, {@code started}, ...).
 * The downtime is the stop's {@link #requested} to the start's {@link #done}.
 *
 * @param operation {@code stop} or {@code start}
 * @param how       a short word for the report: {@code clean}, {@code forced}, {@code hook}, ...
 */
public record PowerEvent(String operation, Instant requested, Instant done, String how) {
    public PowerEvent {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(requested, "requested");
        Objects.requireNonNull(done, "done");
    }

    /** How long the operation itself took. */
    public Duration took() {
        return Duration.between(requested, done);
    }
}
