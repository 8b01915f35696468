package org.smapimigrate.report.live;

import java.util.List;
import java.util.Locale;
import org.smapimigrate.live.LivePass;
import org.smapimigrate.report.Sizes;

/** The cells of a pass row and the figures of the bar chart, the same in Markdown and HTML. */
final class PassFacts {
    /** Widest bar of the text chart, in characters. */
    static final int TEXT_BAR = 40;

    private PassFacts() {
    }

    static String name(LivePass p) {
        return p.last() ? "final (VM stopped)" : Integer.toString(p.number());
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f s", s);
    }

    static String verified(LivePass p) {
        return p.digest() != null ? "yes, " + p.digest() : p.last() ? "by the whole-disk check" : "no";
    }

    /** The largest bytes written by a pass, at least 1 (the scale of the chart). */
    static long scale(List<LivePass> passes) {
        return Math.max(1, passes.stream().mapToLong(LivePass::written).max().orElse(1));
    }

    /** A bar of {@code #} characters, at least one for a pass that wrote anything. */
    static String textBar(long written, long scale) {
        int n = (int) Math.round((double) written / scale * TEXT_BAR);
        return "#".repeat(written > 0 ? Math.max(1, n) : 0);
    }

    static String written(LivePass p) {
        return Sizes.human(p.written());
    }
}
