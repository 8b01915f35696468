package org.smapimigrate.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.smapimigrate.plan.ForecastPass;
import org.smapimigrate.plan.LiveForecast;
import org.smapimigrate.report.Sizes;

/**
 * The live bench's table: the offline migration, then one row per {@code --switch-below}: passes
 * (while running + the switch-over), bytes read by each, downtime and total time, and beside them
 * what {@code plan --mode live} forecast for the same disk, write rate and settings.
 */
final class LiveBenchTable {
    static final String FORMAT = "%-16s %-7s %-44s %10s %9s   %-7s %10s %9s%n";

    private LiveBenchTable() {
    }

    static void header(PrintWriter out) {
        out.printf(Locale.ROOT, FORMAT, "case", "passes", "bytes read per pass (| switch-over)", "downtime", "total",
                "plan:", "downtime", "total");
    }

    static void offline(PrintWriter out, long data, double seconds) {
        out.printf(Locale.ROOT, FORMAT, "offline", "1", Sizes.human(data), secs(seconds), secs(seconds), "", "", "");
    }

    static void live(PrintWriter out, String below, LiveRunFigures r, LiveForecast f) {
        out.printf(Locale.ROOT, FORMAT, "live " + below, r.livePasses() + "+1", bytes(r.passBytes()),
                secs(r.downtimeSeconds()), secs(r.wallSeconds()), f.passes().size() + "+1",
                secs(f.downtimeSeconds()), secs(f.totalSeconds()));
    }

    /** {@code 2.00 GiB, 150 MiB | 1.20 MiB}: the passes, then the switch-over's delta; long lists cut in the middle. */
    static String bytes(List<Long> passes) {
        List<String> live = new ArrayList<>();
        int n = passes.size() - 1;
        for (int i = 0; i < n; i++) {
            if (n > 5 && i == 2) {
                live.add("..");
                i = n - 4;
                continue;
            }
            live.add(Sizes.human(passes.get(i)));
        }
        return String.join(", ", live) + " | " + Sizes.human(passes.get(n));
    }

    /** The forecast's passes in the same form, for the notes. */
    static String forecastBytes(LiveForecast f) {
        List<Long> b = new ArrayList<>(f.passes().stream().map(ForecastPass::bytes).toList());
        b.add(f.finalBytes());
        return bytes(b);
    }

    static String secs(double s) {
        return String.format(Locale.ROOT, s < 10 ? "%.2f s" : "%.1f s", s);
    }
}
