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
     * {@code 64M}, {@code 1.5G}, {@code 64MiB}, {@code 4096} (bytes, binary units K M G T P, an
     * optional {@code B} or {@code iB}; a fraction of a byte is dropped) or {@code 5s}, {@code 10sec},
     * {@code 0.5 seconds} (seconds). The one grammar of {@code --switch-below}: {@code plan --mode
     * live} and {@code migrate --mode live} both read it here; the run adds its own bounds.
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
            // Exact decimal arithmetic: a double would round byte counts above 2^53.
            java.math.BigDecimal v = new java.math.BigDecimal(b.group(1))
                    .multiply(java.math.BigDecimal.valueOf(1024).pow(shift))
                    .setScale(0, java.math.RoundingMode.DOWN);
            if (v.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE / 2)) > 0) {
                throw new IllegalArgumentException("--switch-below '" + shown(text) + "' is out of range");
            }
            return ofBytes(v.longValueExact());
        }
        throw new IllegalArgumentException("--switch-below '" + shown(text) + "' is neither a size (64M, 1.5G)"
                + " nor a time (5s, 10sec, 0.5s)");
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

    /**
     * The exact value in the grammar {@link #parse} reads, so that {@code parse(text())} is this
     * value again: {@code 64M}, {@code 1536M}, {@code 4097} (the largest unit that divides the bytes)
     * or {@code 0.5s} (the shortest decimal that is this double, never in exponent form).
     */
    public String text() {
        if (bytes != null) {
            String[] units = {"", "K", "M", "G", "T", "P"};
            int u = 0;
            long v = bytes;
            while (u < units.length - 1 && v != 0 && (v & 1023) == 0) {
                v >>= 10;
                u++;
            }
            return v + units[u];
        }
        return java.math.BigDecimal.valueOf(seconds).stripTrailingZeros().toPlainString() + "s";
    }

    /** User text for a message: escaped, cut short. */
    private static String shown(String text) {
        String t = text == null ? "" : text;
        return org.smapimigrate.report.TerminalText.escape(t.length() > 40 ? t.substring(0, 40) + "..." : t);
    }

    /** For people, rounded: {@code 64.0 MiB} or {@code 5 s}; {@link #text} is the exact form. */
    public String describe() {
        if (bytes != null) {
            return org.smapimigrate.report.Sizes.human(bytes);
        }
        return (seconds == Math.rint(seconds) ? String.valueOf(seconds.longValue()) : String.valueOf(seconds)) + " s";
    }
}
