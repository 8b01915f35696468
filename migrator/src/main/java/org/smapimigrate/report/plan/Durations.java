package org.smapimigrate.report.plan;

/** Durations as people read them: "45 s", "12 min 30 s", "3 h 05 min", "2 d 4 h". */
public final class Durations {
    private Durations() {
    }

    public static String human(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
        }
        if (seconds < 86_400) {
            return seconds / 3600 + " h " + String.format("%02d", seconds % 3600 / 60) + " min";
        }
        return seconds / 86_400 + " d " + seconds % 86_400 / 3600 + " h";
    }
}
