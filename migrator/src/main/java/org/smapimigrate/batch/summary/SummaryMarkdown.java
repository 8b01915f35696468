package org.smapimigrate.batch.summary;

import java.util.List;
import java.util.Locale;
import org.smapimigrate.report.MarkdownText;
import org.smapimigrate.report.Sizes;

/**
 * {@code summary.md}: CommonMark with GitHub tables. Every value that came from a job file, a
 * disk or the engine goes through {@link MarkdownText#text} (backslash-escaped punctuation,
 * control characters shown as escapes), so a VDI named {@code <script>} or {@code a|b} stays text
 * in its cell.
 */
final class SummaryMarkdown {
    private SummaryMarkdown() {
    }

    static String render(SummaryReport r) {
        StringBuilder b = new StringBuilder();
        SummaryReport.Counts t = r.total();
        b.append("# Batch run on ").append(MarkdownText.text(r.host())).append(": ").append(r.status()).append("\n\n");
        b.append("From ").append(MarkdownText.text(r.started())).append(" to ").append(MarkdownText.text(r.ended()))
                .append(" (").append(seconds(r.seconds())).append(").\n\n");
        b.append("| Volumes | Done | Already done | Failed | Skipped | Left | Copied |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        b.append(row(t.volumes(), t.done(), t.alreadyDone(), t.failed(), t.skipped(), t.left()))
                .append(" ").append(Sizes.human(t.copiedBytes())).append(" |\n\n");

        b.append("## Jobs\n\n");
        b.append("| Job | Status | Window | Bandwidth | Concurrency | Volumes | Done | Already done | Failed | Skipped"
                + " | Left | Copied | Time | Recorded done/failed (all runs) |\n");
        b.append("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (SummaryReport.JobLine j : r.jobs()) {
            SummaryReport.Counts c = j.run();
            b.append("| ").append(MarkdownText.text(j.name())).append(" | ").append(j.status()).append(" | ")
                    .append(j.window() == null ? "any time" : MarkdownText.text(j.window())).append(" | ")
                    .append(j.bandwidth() == null ? "no limit" : MarkdownText.text(j.bandwidth())).append(" | ")
                    .append(j.concurrency()).append(' ')
                    .append(row(c.volumes(), c.done(), c.alreadyDone(), c.failed(), c.skipped(), c.left()))
                    .append(" ").append(Sizes.human(c.copiedBytes())).append(" | ").append(seconds(j.seconds()))
                    .append(" | ").append(j.recorded().done()).append(" / ").append(j.recorded().failed()).append(" |\n");
        }
        volumes(b, "Failed", r.failed(), true);
        volumes(b, "Skipped", r.skipped(), false);
        return b.toString();
    }

    private static void volumes(StringBuilder b, String title, List<SummaryReport.VolumeLine> lines, boolean attempts) {
        if (lines.isEmpty()) {
            return;
        }
        b.append("\n## ").append(title).append("\n\n");
        b.append(attempts ? "| Job | SR | VDI | Attempts | Reason |\n|---|---|---|---:|---|\n"
                : "| Job | SR | VDI | Reason |\n|---|---|---|---|\n");
        for (SummaryReport.VolumeLine v : lines) {
            b.append("| ").append(MarkdownText.text(v.job())).append(" | ").append(MarkdownText.text(v.sr()))
                    .append(" | ").append(MarkdownText.text(v.vdi())).append(" | ");
            if (attempts) {
                b.append(v.attempts()).append(" | ");
            }
            b.append(MarkdownText.text(v.reason())).append(" |\n");
        }
    }

    private static String row(int... n) {
        StringBuilder b = new StringBuilder("|");
        for (int i : n) {
            b.append(' ').append(i).append(" |");
        }
        return b.toString();
    }

    static String seconds(double s) {
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        long whole = Math.round(s);
        return String.format(Locale.ROOT, "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60);
    }
}
