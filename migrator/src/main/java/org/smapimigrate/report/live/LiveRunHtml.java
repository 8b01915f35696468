package org.smapimigrate.report.live;

import static org.smapimigrate.report.plan.Html.esc;

import java.util.List;
import java.util.Locale;
import org.smapimigrate.live.LivePass;
import org.smapimigrate.live.LiveTimeline;
import org.smapimigrate.report.Sizes;
import org.smapimigrate.report.plan.PlanStyle;

/**
 * A live run as one self-contained HTML page (the plan report's stylesheet inlined, an inline SVG
 * bar chart, no script, nothing loaded): the same facts as {@link LiveRunMarkdown}. Every string
 * from the disks, XAPI or hooks goes through {@link org.smapimigrate.report.plan.Html#esc}.
 */
public final class LiveRunHtml {
    /** The chart's geometry: one bar per pass. */
    static final int BAR_WIDTH = 36;
    static final int BAR_GAP = 14;
    static final int CHART_HEIGHT = 120;
    static final int LABEL_HEIGHT = 34;
    static final int TOP = 20;

    private static final String CSS = """
            .live-bars{max-width:100%;height:auto}.live-bars .bar{fill:var(--user)}.live-bars .bar.final{fill:var(--warning)}
            .live-bars text{font:11px system-ui,sans-serif;fill:var(--muted)}
            .live-bars .val{fill:var(--ink)}
            .outcome{display:inline-block;margin-top:14px;padding:5px 14px;border-radius:999px;font-weight:650;
              font-size:13px}
            .o-done{background:#dcfce7;color:#14532d}.o-failed{background:#fee2e2;color:#7f1d1d}
            .o-aborted{background:#fef3c7;color:#78350f}
            table.passes{border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:12px}
            table.passes th,table.passes td{padding:5px 12px;border-bottom:1px solid #f1f5f9;text-align:right}
            table.passes th:first-child,table.passes td:first-child,table.passes td.txt{text-align:left}
            table.passes td{white-space:nowrap}table.passes td.txt{white-space:normal;word-break:break-all;
              max-width:380px;font-size:12px}
            .fail{background:var(--bad-bg);border-left:5px solid var(--bad);border-radius:10px;padding:10px 14px}
            """;

    private LiveRunHtml() {
    }

    public static String render(LiveRunView v) {
        String outcome = v.aborted() ? "aborted" : v.succeeded() ? "done" : "failed";
        StringBuilder b = new StringBuilder(16 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                // Defence in depth behind the escaping: the page runs no script and loads nothing.
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'\">\n")
                .append("<title>Live migration · ").append(esc(outcome)).append("</title>\n<style>\n")
                .append(PlanStyle.CSS).append(CSS).append("</style>\n</head>\n<body>\n")
                .append("<header><div class=\"wrap\">\n<div class=\"eyebrow\">smapi-migrate · live migration</div>\n")
                .append("<h1>").append(v.disks().size()).append(v.disks().size() == 1 ? " disk" : " disks")
                .append(" moved while the VM ran</h1>\n<div class=\"outcome o-").append(outcome).append("\">")
                .append(esc(outcome)).append("</div>\n</div></header>\n<main>\n");
        b.append("<section><h2>Outcome</h2>\n");
        if (v.failure() != null) {
            b.append("<p class=\"fail\"><b>Failed:</b> ").append(esc(v.failure())).append("</p>\n");
        }
        b.append("<dl class=\"facts\">\n");
        fact(b, "VM left", v.leftIn());
        if (v.alreadyDone()) {
            fact(b, "this run", "finished by an earlier run; nothing was done now");
        }
        if (v.switchedTo() != null) {
            fact(b, "switch-over", v.switchedTo());
        }
        if (v.snapshots() != null) {
            fact(b, "snapshots", v.snapshots());
        }
        b.append("</dl>\n</section>\n");
        for (LiveRunView.Disk d : v.disks()) {
            disk(b, d);
        }
        downtime(b, v);
        b.append("</main>\n<footer>made by smapi-migrate migrate --mode live · bytes are binary units</footer>\n")
                .append("</body>\n</html>\n");
        return b.toString();
    }

    private static void fact(StringBuilder b, String term, String value) {
        b.append("<dt>").append(esc(term)).append("</dt><dd>").append(esc(value)).append("</dd>\n");
    }

    private static void disk(StringBuilder b, LiveRunView.Disk d) {
        b.append("<section class=\"disk\"><h2>Disk <span class=\"mono\">").append(esc(d.disk()))
                .append("</span></h2>\n<p>From ").append(esc(d.source()));
        if (d.volume() != null) {
            b.append(" into volume <span class=\"mono\">").append(esc(d.volume())).append("</span>");
        }
        b.append(".</p>\n");
        if (d.passes().isEmpty()) {
            b.append("<p>No pass was copied.</p>\n");
        } else {
            b.append("<table class=\"passes\"><thead><tr><th>Pass</th><th>Changed</th><th>Ranges</th><th>Written</th>")
                    .append("<th>Time</th><th>Copy rate</th><th>Verified</th></tr></thead><tbody>\n");
            for (LivePass p : d.passes()) {
                b.append("<tr><td>").append(esc(PassFacts.name(p))).append("</td><td>").append(esc(Sizes.human(p.changed())))
                        .append("</td><td>").append(p.ranges()).append("</td><td>").append(esc(PassFacts.written(p)))
                        .append("</td><td>").append(esc(PassFacts.seconds(p.seconds()))).append("</td><td>")
                        .append(esc(Sizes.rate(p.rate()))).append("</td><td class=\"txt mono\">")
                        .append(esc(PassFacts.verified(p))).append("</td></tr>\n");
            }
            b.append("</tbody></table>\n");
            chart(b, d.passes());
        }
        b.append("<p>Verification: ");
        if (d.sourceDigest() == null) {
            b.append("not reached.");
        } else if (d.verified()) {
            b.append("the whole target equals the quiet source, <span class=\"mono\">").append(esc(d.sourceDigest()))
                    .append("</span>.");
        } else {
            b.append("<b>MISMATCH</b>: source <span class=\"mono\">").append(esc(d.sourceDigest()))
                    .append("</span>, target <span class=\"mono\">").append(esc(d.targetDigest())).append("</span>.");
        }
        b.append("</p>\n</section>\n");
    }

    /** Bytes written per pass as vertical bars, the switch-over's delta in its own colour. */
    static void chart(StringBuilder b, List<LivePass> passes) {
        long scale = PassFacts.scale(passes);
        int width = passes.size() * (BAR_WIDTH + BAR_GAP) + BAR_GAP;
        int height = TOP + CHART_HEIGHT + LABEL_HEIGHT;
        b.append("<svg class=\"live-bars\" role=\"img\" aria-label=\"bytes written per pass\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\">\n");
        int x = BAR_GAP;
        for (LivePass p : passes) {
            double h = (double) p.written() / scale * CHART_HEIGHT;
            if (p.written() > 0) {
                h = Math.max(1, h);
            }
            double y = TOP + CHART_HEIGHT - h;
            b.append(String.format(Locale.ROOT, "<rect class=\"bar%s\" x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\">"
                    + "<title>%s: %s written</title></rect>%n", p.last() ? " final" : "", x, y, BAR_WIDTH, h,
                    esc(p.last() ? "final delta" : "pass " + p.number()), esc(PassFacts.written(p))));
            b.append(String.format(Locale.ROOT, "<text class=\"val\" x=\"%d\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n",
                    x + BAR_WIDTH / 2, y - 4, esc(PassFacts.written(p))));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x + BAR_WIDTH / 2, TOP + CHART_HEIGHT + 16, p.last() ? "final" : "pass " + p.number()));
            x += BAR_WIDTH + BAR_GAP;
        }
        b.append("</svg>\n");
    }

    private static void downtime(StringBuilder b, LiveRunView v) {
        b.append("<section><h2>Downtime</h2>\n");
        if (v.downtimeSeconds() == null) {
            b.append("<p>").append(esc(v.stop() == null ? "The VM was not stopped."
                    : "The VM was stopped (" + v.stop() + ") and not started again by this run.")).append("</p>\n");
        } else {
            b.append("<p><b>").append(esc(PassFacts.seconds(v.downtimeSeconds())))
                    .append("</b> from stop requested to VM started")
                    .append(v.stop() == null ? "" : " (stop: " + esc(v.stop()) + ")").append(".</p>\n");
            if (!v.downtimeParts().isEmpty()) {
                b.append("<table class=\"passes\"><thead><tr><th>Part</th><th>Time</th></tr></thead><tbody>\n");
                for (LiveTimeline.DowntimePart p : v.downtimeParts()) {
                    b.append("<tr><td>").append(esc(p.name())).append("</td><td>")
                            .append(esc(PassFacts.seconds(p.seconds()))).append("</td></tr>\n");
                }
                b.append("</tbody></table>\n");
            }
        }
        b.append("</section>\n");
    }
}
