package org.smapimigrate.report.live;

import java.util.Locale;
import org.smapimigrate.live.LivePass;
import org.smapimigrate.live.LiveTimeline;
import org.smapimigrate.report.MarkdownText;
import org.smapimigrate.report.Sizes;

/**
 * A live run as Markdown (CommonMark with GitHub tables): outcome, then per disk its passes (table
 * and a text bar chart of the bytes each wrote) and verification, then the downtime and its
 * parts, the snapshots and, on failure, why and where the VM was left. Every string from the
 * disks, XAPI or hooks goes through {@link MarkdownText}.
 */
public final class LiveRunMarkdown {
    private LiveRunMarkdown() {
    }

    public static String render(LiveRunView v) {
        StringBuilder b = new StringBuilder("# Live migration: ")
                .append(v.aborted() ? "aborted" : v.succeeded() ? "done" : "FAILED").append("\n\n");
        if (v.alreadyDone()) {
            b.append("Finished by an earlier run; nothing was done now.\n\n");
        }
        if (v.failure() != null) {
            b.append("**Failed:** ").append(MarkdownText.text(v.failure())).append("\n\n");
        }
        b.append("- VM left: ").append(MarkdownText.text(v.leftIn())).append('\n');
        if (v.switchedTo() != null) {
            b.append("- switch-over: ").append(MarkdownText.text(v.switchedTo())).append('\n');
        }
        if (v.snapshots() != null) {
            b.append("- snapshots: ").append(MarkdownText.text(v.snapshots())).append('\n');
        }
        b.append('\n');
        for (LiveRunView.Disk d : v.disks()) {
            disk(b, d);
        }
        downtime(b, v);
        return b.toString();
    }

    private static void disk(StringBuilder b, LiveRunView.Disk d) {
        b.append("## Disk ").append(MarkdownText.code(d.disk())).append("\n\n")
                .append("From ").append(MarkdownText.text(d.source()))
                .append(d.volume() == null ? "" : " into volume " + MarkdownText.code(d.volume())).append(".\n\n");
        if (d.passes().isEmpty()) {
            b.append("No pass was copied.\n\n");
        } else {
            b.append("| Pass | Changed | Ranges | Written | Time | Copy rate | Verified |\n")
                    .append("|---|---:|---:|---:|---:|---:|---|\n");
            for (LivePass p : d.passes()) {
                b.append("| ").append(PassFacts.name(p)).append(" | ").append(Sizes.human(p.changed())).append(" | ")
                        .append(p.ranges()).append(" | ").append(PassFacts.written(p)).append(" | ")
                        .append(PassFacts.seconds(p.seconds())).append(" | ").append(Sizes.rate(p.rate())).append(" | ")
                        .append(MarkdownText.text(PassFacts.verified(p))).append(" |\n");
            }
            b.append("\nBytes written per pass:\n\n");
            long scale = PassFacts.scale(d.passes());
            StringBuilder chart = new StringBuilder();
            for (LivePass p : d.passes()) {
                chart.append(String.format(Locale.ROOT, "%-6s %-" + PassFacts.TEXT_BAR + "s %s%n",
                        p.last() ? "final" : "pass " + p.number(), PassFacts.textBar(p.written(), scale),
                        PassFacts.written(p)));
            }
            String fence = MarkdownText.fenceFor(chart.toString());
            b.append(fence).append('\n').append(chart).append(fence).append("\n\n");
        }
        if (d.sourceDigest() != null) {
            b.append("Verification: ").append(d.verified()
                    ? "the whole target equals the quiet source, " + MarkdownText.code(d.sourceDigest())
                    : "**MISMATCH**: source " + MarkdownText.code(d.sourceDigest()) + ", target "
                            + MarkdownText.code(d.targetDigest())).append(".\n\n");
        } else {
            b.append("Verification: not reached.\n\n");
        }
    }

    private static void downtime(StringBuilder b, LiveRunView v) {
        b.append("## Downtime\n\n");
        if (v.downtimeSeconds() == null) {
            b.append(v.stop() == null ? "The VM was not stopped.\n\n" : "The VM was stopped ("
                    + MarkdownText.text(v.stop()) + ") and not started again by this run.\n\n");
            return;
        }
        b.append("**").append(PassFacts.seconds(v.downtimeSeconds())).append("** from stop requested to VM started")
                .append(v.stop() == null ? "" : " (stop: " + MarkdownText.text(v.stop()) + ")").append(".\n\n");
        if (!v.downtimeParts().isEmpty()) {
            b.append("| Part | Time |\n|---|---:|\n");
            for (LiveTimeline.DowntimePart p : v.downtimeParts()) {
                b.append("| ").append(MarkdownText.text(p.name())).append(" | ").append(PassFacts.seconds(p.seconds()))
                        .append(" |\n");
            }
            b.append('\n');
        }
    }
}
