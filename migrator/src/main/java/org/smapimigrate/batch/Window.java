package org.smapimigrate.batch;

import java.time.LocalTime;
import java.time.format.DateTimeParseException;

/**
 * A daily maintenance window in local time, {@code "22:00-06:00"}: a start past the end crosses
 * midnight. Outside it a batch starts no new volume (issue 14, item 1).
 */
public record Window(LocalTime start, LocalTime end) {
    public Window {
        if (start.equals(end)) {
            throw new IllegalArgumentException("start and end are the same; leave the window out to run at any time");
        }
    }

    /** Parses {@code HH:MM-HH:MM}; throws IllegalArgumentException saying what is expected. */
    public static Window parse(String text) {
        String[] parts = text.trim().split("-", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("'" + text + "' is not a window; write HH:MM-HH:MM, e.g. 22:00-06:00");
        }
        try {
            return new Window(LocalTime.parse(parts[0].trim()), LocalTime.parse(parts[1].trim()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a window; write HH:MM-HH:MM (24-hour), e.g. 22:00-06:00");
        }
    }

    /** True when a new volume may start at this local time (start inclusive, end exclusive). */
    public boolean contains(LocalTime t) {
        return start.isBefore(end)
                ? !t.isBefore(start) && t.isBefore(end)
                : !t.isBefore(start) || t.isBefore(end);
    }

    @Override
    public String toString() {
        return start + "-" + end;
    }
}
