package org.smapimigrate.report.plan;

import org.smapimigrate.plan.ForecastPass;
import org.smapimigrate.plan.LiveForecast;
import org.smapimigrate.plan.LivePlan;
import org.smapimigrate.plan.LivePlanner;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.report.MarkdownText;
import org.smapimigrate.report.Sizes;

/**
 * The "Live migration" section of the plan reports ({@code plan --mode live}), Markdown and HTML,
 * with the same facts as {@link LiveText}: the settings, then per running disk a table of its
 * passes, the switch-over and the downtime. Empty for an offline plan.
 */
public final class LiveSection {
    private LiveSection() {
    }

    private static String intro(Plan plan) {
        LivePlan live = plan.live();
        return "The VM keeps running while pass 0 copies a frozen snapshot of each disk; each later pass copies"
                + " only what the VM wrote during the pass before; the VM is stopped for the last delta and the check"
                + " of the whole disk. Write rate " + Sizes.rate(live.settings().writeRate()) + " ("
                + live.settings().writeRateBasis() + "), copy rate " + Sizes.rate(plan.throughput().bytesPerSecond())
                + " (" + plan.throughput().basis() + "), passes stop at --switch-below "
                + live.settings().switchBelow().describe() + " or after --max-passes " + live.settings().maxPasses()
                + " (pass 0 included), " + LivePlanner.seconds(live.settings().passOverheadSeconds())
                + " per pass for the snapshot (assumed)"
                + (live.settings().hashRate() > 0 ? ", the check's SHA-256 of the whole disk at "
                        + Sizes.rate(live.settings().hashRate()) + " (measured on this host)" : "")
                + ". Model: " + live.model() + ".";
    }

    public static String markdown(Plan plan) {
        if (plan.live() == null) {
            return "";
        }
        StringBuilder b = new StringBuilder("## Live migration\n\n").append(MarkdownText.text(intro(plan)))
                .append("\n\n");
        if (plan.live().disks().isEmpty()) {
            b.append("No running disk in the selection (only snapshots, base copies or raw VDIs).\n\n");
        }
        for (LiveForecast f : plan.live().disks()) {
            b.append("VDI ").append(MarkdownText.code(f.vdi())).append(": ").append(Sizes.human(f.allocatedBytes()))
                    .append(" allocated of ").append(Sizes.human(f.virtualBytes())).append(", written at ")
                    .append(Sizes.rate(f.writeRate())).append(MarkdownText.text(LiveText.verdict(f))).append(".\n\n")
                    .append("| Pass | VM | Bytes | Time |\n|---:|---|---:|---:|\n");
            for (ForecastPass p : f.passes()) {
                b.append("| ").append(p.pass()).append(" | running | ").append(Sizes.human(p.bytes())).append(" | ")
                        .append(LivePlanner.seconds(p.seconds())).append(" |\n");
            }
            b.append("| switch-over | **stopped** | ").append(Sizes.human(f.finalBytes())).append(" + check ")
                    .append(Sizes.human(f.verifyBytes())).append(" (").append(LivePlanner.seconds(f.checkSeconds()))
                    .append(") | **").append(LivePlanner.seconds(f.downtimeSeconds()))
                    .append("** |\n| total | | ").append(Sizes.human(f.totalBytes())).append(" | ")
                    .append(LivePlanner.seconds(f.totalSeconds())).append(" |\n\n");
        }
        b.append("Downtime is the switch-over's row: the VM's own shutdown and boot come on top.\n\n");
        return b.toString();
    }

    public static String html(Plan plan) {
        if (plan.live() == null) {
            return "";
        }
        StringBuilder b = new StringBuilder("<section id=\"live\"><h2>Live migration</h2>\n<p class=\"lead\">")
                .append(Html.esc(intro(plan))).append("</p>\n");
        if (plan.live().disks().isEmpty()) {
            b.append("<p>No running disk in the selection (only snapshots, base copies or raw VDIs).</p>\n");
        }
        for (LiveForecast f : plan.live().disks()) {
            b.append("<h3>VDI <span class=\"mono\">").append(Html.esc(f.vdi())).append("</span></h3>\n<p>")
                    .append(Html.esc(Sizes.human(f.allocatedBytes()) + " allocated of " + Sizes.human(f.virtualBytes())
                            + ", written at " + Sizes.rate(f.writeRate()) + LiveText.verdict(f) + "."))
                    .append("</p>\n<table class=\"compare\"><thead><tr><th>Pass</th><th>VM</th><th>Bytes</th>"
                            + "<th>Time</th></tr></thead><tbody>\n");
            for (ForecastPass p : f.passes()) {
                b.append("<tr><td>").append(p.pass()).append("</td><td>running</td><td>")
                        .append(Html.esc(Sizes.human(p.bytes()))).append("</td><td>")
                        .append(Html.esc(LivePlanner.seconds(p.seconds()))).append("</td></tr>\n");
            }
            b.append("<tr><td>switch-over</td><td><b>stopped</b></td><td>")
                    .append(Html.esc(Sizes.human(f.finalBytes()) + " + check " + Sizes.human(f.verifyBytes()) + " ("
                            + LivePlanner.seconds(f.checkSeconds()) + ")"))
                    .append("</td><td><b>").append(Html.esc(LivePlanner.seconds(f.downtimeSeconds())))
                    .append("</b></td></tr>\n<tr><td>total</td><td></td><td>")
                    .append(Html.esc(Sizes.human(f.totalBytes()))).append("</td><td>")
                    .append(Html.esc(LivePlanner.seconds(f.totalSeconds()))).append("</td></tr>\n</tbody></table>\n");
        }
        b.append("<p>Downtime is the switch-over's row: the VM's own shutdown and boot come on top.</p>\n</section>\n");
        return b.toString();
    }
}
