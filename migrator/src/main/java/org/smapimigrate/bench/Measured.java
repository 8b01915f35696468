package org.smapimigrate.bench;

import java.util.Arrays;

/** The timed runs of one case: wall seconds per run, and the largest peak RSS seen (-1: none). */
public record Measured(String name, BenchCase.Where where, long dataBytes, double[] seconds, long peakRss) {

    public Measured {
        if (seconds.length == 0) {
            throw new IllegalArgumentException(name + ": no runs");
        }
        seconds = seconds.clone();
    }

    public double best() {
        return Arrays.stream(seconds).min().orElseThrow();
    }

    /** The middle run; of an even number, the mean of the two middle ones. */
    public double median() {
        double[] s = seconds.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Data bytes per second of the best run, in GiB/s. */
    public double dataGibPerSecond() {
        return dataBytes / best() / (1L << 30);
    }
}
