package org.smapimigrate.report;

import java.util.Locale;

/** Byte counts as people read them: binary units, three significant digits. */
public final class Sizes {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private Sizes() {
    }

    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        String fmt = v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s";
        return String.format(Locale.ROOT, fmt, v, UNITS[u]);
    }

    /** A rate in bytes per second. */
    public static String rate(double bytesPerSecond) {
        return human((long) bytesPerSecond) + "/s";
    }
}
