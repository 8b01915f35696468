package org.smapimigrate.batch.summary;

import java.util.List;
import org.smapimigrate.report.Sizes;
import org.smapimigrate.report.TerminalText;

/**
 * {@code summary.html}: one self-contained page (inline style, no script, no external resource:
 * it is opened from a fetched file or mailed). Every value from a job file, a disk or the engine is
 * escaped: control characters shown as {@link TerminalText} shows them, then {@code < > & " '} as
 * entities (HTML Living Standard 13.1.2.6), so a name never becomes markup. The page is also
 * well-formed XML, which the tests use to check its structure with a strict parser.
 */
final class SummaryHtml {
    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse;margin:1em 0}
            th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
            td.n{text-align:right}
            th{background:#f2f2f2}
            .done{background:#e6f4e6}.failed{background:#fbe3e3}.paused{background:#fff4d6}
            .badge{padding:.1em .5em;border-radius:.3em;font-weight:bold}
            .badge.done{color:#1d6b1d}.badge.failed{color:#a11}.badge.paused{color:#8a6100}
            code{white-space:pre-wrap;word-break:break-all}
            """;

    private SummaryHtml() {
    }

    static String render(SummaryReport r) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\n<title>Batch run on ")
                .append(esc(r.host())).append(": ").append(r.status()).append("</title>\n<style>\n").append(STYLE)
                .append("</style></head>\n<body>\n");
        b.append("<h1>Batch run on ").append(esc(r.host())).append(" <span class=\"badge ").append(r.status())
                .append("\">").append(r.status()).append("</span></h1>\n");
        b.append("<p>From ").append(esc(r.started())).append(" to ").append(esc(r.ended())).append(" (")
                .append(SummaryMarkdown.seconds(r.seconds())).append(").</p>\n");
        SummaryReport.Counts t = r.total();
        b.append("<table id=\"total\"><tr><th>Volumes</th><th>Done</th><th>Already done</th><th>Failed</th>"
                + "<th>Skipped</th><th>Left</th><th>Copied</th></tr>\n<tr class=\"").append(r.status()).append("\">");
        counts(b, t);
        b.append("</tr></table>\n");

        b.append("<h2>Jobs</h2>\n<table id=\"jobs\"><tr><th>Job</th><th>Status</th><th>Window</th><th>Bandwidth</th>"
                + "<th>Concurrency</th><th>Volumes</th><th>Done</th><th>Already done</th><th>Failed</th>"
                + "<th>Skipped</th><th>Left</th><th>Copied</th><th>Time</th><th>Recorded done / failed</th></tr>\n");
        for (SummaryReport.JobLine j : r.jobs()) {
            b.append("<tr class=\"").append(j.status()).append("\"><td><code>").append(esc(j.name()))
                    .append("</code></td><td>").append(j.status()).append("</td><td>")
                    .append(j.window() == null ? "any time" : esc(j.window())).append("</td><td>")
                    .append(j.bandwidth() == null ? "no limit" : esc(j.bandwidth())).append("</td><td class=\"n\">")
                    .append(j.concurrency()).append("</td>");
            counts(b, j.run());
            b.append("<td class=\"n\">").append(SummaryMarkdown.seconds(j.seconds())).append("</td><td class=\"n\">")
                    .append(j.recorded().done()).append(" / ").append(j.recorded().failed()).append("</td></tr>\n");
        }
        b.append("</table>\n");
        volumes(b, "failed", "Failed", r.failed(), true);
        volumes(b, "skipped", "Skipped", r.skipped(), false);
        b.append("</body></html>\n");
        return b.toString();
    }

    private static void counts(StringBuilder b, SummaryReport.Counts c) {
        for (int n : new int[] {c.volumes(), c.done(), c.alreadyDone(), c.failed(), c.skipped(), c.left()}) {
            b.append("<td class=\"n\">").append(n).append("</td>");
        }
        b.append("<td class=\"n\">").append(Sizes.human(c.copiedBytes())).append("</td>");
    }

    private static void volumes(StringBuilder b, String id, String title, List<SummaryReport.VolumeLine> lines,
                                boolean attempts) {
        if (lines.isEmpty()) {
            return;
        }
        b.append("<h2>").append(title).append("</h2>\n<table id=\"").append(id)
                .append("\"><tr><th>Job</th><th>SR</th><th>VDI</th>").append(attempts ? "<th>Attempts</th>" : "")
                .append("<th>Reason</th></tr>\n");
        for (SummaryReport.VolumeLine v : lines) {
            b.append("<tr class=\"").append(attempts ? "failed" : "paused").append("\"><td><code>").append(esc(v.job()))
                    .append("</code></td><td><code>").append(esc(v.sr())).append("</code></td><td><code>")
                    .append(esc(v.vdi())).append("</code></td>");
            if (attempts) {
                b.append("<td class=\"n\">").append(v.attempts()).append("</td>");
            }
            b.append("<td>").append(esc(v.reason())).append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    /** Text for an element or a quoted attribute. */
    static String esc(String s) {
        String t = TerminalText.escape(s == null ? "" : s);
        StringBuilder b = new StringBuilder(t.length() + 16);
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
