package org.smapimigrate.batch;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A byte rate from a job file, {@code "200MiB/s"}: binary units (KiB, MiB, GiB) or plain bytes (B). */
public final class Bandwidth {
    private static final Pattern RATE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)/s");

    private Bandwidth() {
    }

    /** Bytes per second; throws IllegalArgumentException saying what is expected. */
    public static long parse(String text) {
        Matcher m = RATE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a rate; write e.g. 200MiB/s (B, KiB, MiB or GiB per second)");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "kib" -> 10;
            case "mib" -> 20;
            case "gib" -> 30;
            default -> 0;
        };
        if (n <= 0) {
            throw new IllegalArgumentException("'" + text + "' must be more than zero; leave bandwidth out for no limit");
        }
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return n << shift;
    }
}
