package org.smapimigrate.bench;

import java.io.IOException;

/**
 * What GNU time ({@code /usr/bin/time -v}) reports about a child process: wall time, peak
 * resident set size and exit status. Parsed from its text, the only way it reports.
 */
public record GnuTimeReport(double elapsedSeconds, long maxRssBytes, int exitStatus) {

    public static GnuTimeReport parse(String text) throws IOException {
        Double elapsed = null;
        Long rssKib = null;
        Integer exit = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            int colon = line.lastIndexOf(": ");
            if (colon < 0) {
                continue;
            }
            String value = line.substring(colon + 2).strip();
            try {
                if (line.startsWith("Elapsed (wall clock) time")) {
                    elapsed = clock(value);
                } else if (line.startsWith("Maximum resident set size (kbytes)")) {
                    rssKib = Long.parseLong(value);
                } else if (line.startsWith("Exit status")) {
                    exit = Integer.parseInt(value);
                }
            } catch (NumberFormatException e) {
                throw new IOException("GNU time report: cannot read '" + line + "'");
            }
        }
        if (elapsed == null || rssKib == null || exit == null) {
            throw new IOException("GNU time report lacks the elapsed time, maximum resident set size or exit status:\n"
                    + text.strip());
        }
        return new GnuTimeReport(elapsed, rssKib * 1024, exit);
    }

    /** {@code m:ss.cc} or {@code h:mm:ss}, as GNU time writes elapsed time. */
    static double clock(String value) {
        String[] parts = value.split(":");
        double seconds = 0;
        for (String p : parts) {
            seconds = seconds * 60 + Double.parseDouble(p);
        }
        if (parts.length < 2 || parts.length > 3) {
            throw new NumberFormatException(value);
        }
        return seconds;
    }
}
