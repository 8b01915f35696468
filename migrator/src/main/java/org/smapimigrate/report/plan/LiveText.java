package org.smapimigrate.report.plan;

import java.util.ArrayList;
import java.util.List;
import org.smapimigrate.plan.ForecastPass;
import org.smapimigrate.plan.LiveForecast;
import org.smapimigrate.plan.LivePlan;
import org.smapimigrate.plan.LivePlanner;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.report.Sizes;
import org.smapimigrate.report.TerminalText;

/**
 * A live plan's forecast as lines for the terminal ({@code plan --mode live}); the same facts as
 * the reports' live section. Names from the disk are escaped.
 */
public final class LiveText {
    /** Passes listed one by one; beyond, the middle ones are summed up. */
    static final int LISTED = 6;

    private LiveText() {
    }

    public static List<String> lines(Plan plan) {
        LivePlan live = plan.live();
        List<String> out = new ArrayList<>();
        if (live == null) {
            return out;
        }
        out.add("live: write rate " + Sizes.rate(live.settings().writeRate()) + " ("
                + TerminalText.escape(live.settings().writeRateBasis()) + "), switch below "
                + live.settings().switchBelow().describe() + ", at most " + live.settings().maxPasses() + " passes, copy "
                + Sizes.rate(plan.throughput().bytesPerSecond()) + (live.settings().hashRate() > 0
                        ? ", SHA-256 " + Sizes.rate(live.settings().hashRate()) + " (measured here)" : ""));
        if (live.disks().isEmpty()) {
            out.add("  no running disk in the selection (only snapshots, base copies or raw VDIs)");
        }
        for (LiveForecast f : live.disks()) {
            out.add("  VDI " + TerminalText.escape(f.vdi()) + ": " + f.passes().size()
                    + (f.passes().size() == 1 ? " pass " : " passes ") + passList(f) + "; switch-over "
                    + Sizes.human(f.finalBytes()) + " + check " + Sizes.human(f.verifyBytes()) + " ("
                    + LivePlanner.seconds(f.checkSeconds()) + ")");
            out.add("    downtime about " + LivePlanner.seconds(f.downtimeSeconds()) + ", total "
                    + LivePlanner.seconds(f.totalSeconds()) + verdict(f));
        }
        out.add("  model: " + live.model());
        return out;
    }

    /** Bytes of each pass, comma-separated; long lists keep the first and last few. */
    public static String passList(LiveForecast f) {
        return passList(f.passes());
    }

    /** The same for any list of passes (a VM's disk). */
    public static String passList(List<ForecastPass> p) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < p.size(); i++) {
            if (p.size() > LISTED && i == LISTED / 2) {
                int skipped = p.size() - LISTED;
                parts.add("(" + skipped + " more)");
                i += skipped - 1;
                continue;
            }
            parts.add(Sizes.human(p.get(i).bytes()));
        }
        return String.join(", ", parts);
    }

    /** Why the passes stop, in words. */
    public static String verdict(LiveForecast f) {
        if (!f.converges()) {
            return f.stop().equals(LiveForecast.THRESHOLD)
                    ? "; the write rate is not below the copy rate, but the disk is small enough to switch at once"
                    : "; DOES NOT CONVERGE (write rate not below copy rate): offline is the way";
        }
        return f.stop().equals(LiveForecast.THRESHOLD) ? "; converges (write rate below copy rate)"
                : "; converges, but not below --switch-below within --max-passes";
    }
}
