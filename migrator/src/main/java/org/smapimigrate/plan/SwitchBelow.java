package org.smapimigrate.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a live migration's passes stop and the switch-over begins ({@code --switch-below}): after
 * a pass that changed at most this many bytes, or took at most this many seconds. Exactly one of
 * the two is set.
 *
 * @param bytes   a byte threshold, or null
 * @param seconds a time threshold, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SwitchBelow(Long bytes, Double seconds) {
    private static final Pattern SECONDS = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(s|sec|secs|seconds?)");
    private static final Pattern BYTES = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(?:i?b)?");

    public SwitchBelow {
        if ((bytes == null) == (seconds == null)) {
            throw new IllegalArgumentException("--switch-below is a size (64M) or a time (5s), exactly one");
        }
        if (bytes != null && bytes < 0) {
            throw new IllegalArgumentException("--switch-below " + bytes + ": a size cannot be negative");
        }
        if (seconds != null && !(seconds >= 0 && seconds <= 1e9)) {
            throw new IllegalArgumentException("--switch-below " + seconds + " s: not a time in seconds");
        }
    }

    public static SwitchBelow ofBytes(long bytes) {
        return new SwitchBelow(bytes, null);
    }

    public static SwitchBelow ofSeconds(double seconds) {
        return new SwitchBelow(null, seconds);
    }

    /**
     * {@code 64M}, {@code 1.5G}, {@code 4096} (bytes, binary units) or {@code 5s}, {@code 0.5s}
     * (seconds).
     *
     * @throws IllegalArgumentException one line saying what is wrong and what is meant
     */
    public static SwitchBelow parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher s = SECONDS.matcher(t);
        if (s.matches()) {
            return ofSeconds(Double.parseDouble(s.group(1)));
        }
        Matcher b = BYTES.matcher(t);
        if (b.matches()) {
            int shift = "kmgtp".indexOf(b.group(2).isEmpty() ? ' ' : b.group(2).charAt(0)) + 1;
            double v = Double.parseDouble(b.group(1)) * Math.pow(1024, shift);
            if (v > Long.MAX_VALUE / 2) {
                throw new IllegalArgumentException("--switch-below '" + text + "' is out of range");
            }
            return ofBytes((long) v);
        }
        throw new IllegalArgumentException("--switch-below '" + text + "' is neither a size (64M, 1G) nor a time"
                + " (5s, 0.5s)");
    }

    /**
     * True when a pass is small enough for the switch-over to follow it, as the passes engine
     * decides ({@code org.smapimigrate.live.LiveSettings}): it changed at most {@link #bytes}, or it
     * took at most {@link #seconds}, snapshot included.
     *
     * @param changed what the pass's changed ranges held (pass 0: the whole disk)
     * @param took    how long the pass took
     */
    public boolean below(long changed, double took) {
        return bytes != null ? changed <= bytes : took <= seconds;
    }

    /** As given: {@code 64.0 MiB} or {@code 5 s}. */
    public String describe() {
        if (bytes != null) {
            return org.smapimigrate.report.Sizes.human(bytes);
        }
        return (seconds == Math.rint(seconds) ? String.valueOf(seconds.longValue()) : String.valueOf(seconds)) + " s";
    }
}
