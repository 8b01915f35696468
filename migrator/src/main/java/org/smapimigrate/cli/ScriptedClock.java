package org.smapimigrate.cli;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

/**
 * A clock for tests of windows ('batch run --test-times 23:00,07:00'): each reading answers the
 * next of the given local times of today, the last one from then on. A batch reads the clock once
 * before each volume it may start, so the times say where a window closes mid-run.
 */
final class ScriptedClock extends Clock {
    private final List<LocalTime> times;
    private final ZoneId zone;
    private int next;

    ScriptedClock(List<LocalTime> times, ZoneId zone) {
        if (times.isEmpty()) {
            throw new IllegalArgumentException("no times");
        }
        this.times = List.copyOf(times);
        this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId z) {
        return new ScriptedClock(times, z);
    }

    @Override
    public synchronized Instant instant() {
        LocalTime t = times.get(Math.min(next, times.size() - 1));
        next++;
        return LocalDate.now(zone).atTime(t).atZone(zone).toInstant();
    }
}
