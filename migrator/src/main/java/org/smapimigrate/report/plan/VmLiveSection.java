package org.smapimigrate.report.plan;

import java.util.ArrayList;
import java.util.List;
import org.smapimigrate.plan.LiveForecast;
import org.smapimigrate.plan.LivePlanner;
import org.smapimigrate.plan.VmLiveForecast;
import org.smapimigrate.plan.VmLivePlan;
import org.smapimigrate.report.MarkdownText;
import org.smapimigrate.report.Sizes;
import org.smapimigrate.report.TerminalText;
import org.smapimigrate.vm.VmPlan;

/**
 * The live forecast of a VM plan ({@code plan --vm ... --mode live}) as terminal lines, Markdown
 * and HTML, the same facts in each: the settings, then per running VM a table of its passes with
 * each disk's bytes, the switch-over (every disk's last delta and check) and the VM's one downtime.
 * Names from XAPI are escaped for each medium.
 */
public final class VmLiveSection {
    private VmLiveSection() {
    }

    private static String settings(VmLivePlan live, VmPlan p) {
        return "write rate " + Sizes.rate(live.settings().writeRate()) + " per disk ("
                + live.settings().writeRateBasis() + "), switch below " + live.settings().switchBelow().describe()
                + " (all disks of a pass together), at most " + live.settings().maxPasses() + " passes, "
                + LivePlanner.seconds(live.settings().passOverheadSeconds()) + " per pass for the snapshots (assumed)"
                + (live.settings().hashRate() > 0 ? ", SHA-256 " + Sizes.rate(live.settings().hashRate())
                        + " (measured here)" : "");
    }

    private static String verdict(VmLiveForecast f) {
        if (!f.converges()) {
            return f.stop().equals(LiveForecast.THRESHOLD) ? "the disks are small enough to switch at once"
                    : "DOES NOT CONVERGE (the VM writes faster than the copy): offline is the way";
        }
        return f.stop().equals(LiveForecast.THRESHOLD) ? "converges" : "converges, but not below --switch-below"
                + " within --max-passes";
    }

    private static String downtime(VmLiveForecast f) {
        return "one stop for " + f.disks().size() + (f.disks().size() == 1 ? " disk" : " disks") + ": "
                + Sizes.human(f.finalBytes()) + " of last deltas + check (" + LivePlanner.seconds(f.checkSeconds())
                + "), downtime about " + LivePlanner.seconds(f.downtimeSeconds()) + ", total "
                + LivePlanner.seconds(f.totalSeconds());
    }

    public static List<String> lines(VmPlan p) {
        List<String> out = new ArrayList<>();
        VmLivePlan live = p.live();
        if (live == null) {
            return out;
        }
        out.add("live: " + TerminalText.escape(settings(live, p)));
        if (live.vms().isEmpty()) {
            out.add("  no running VM in the plan");
        }
        for (VmLiveForecast f : live.vms()) {
            out.add("  VM " + TerminalText.escape(f.name()) + " (" + TerminalText.escape(f.vm()) + "): "
                    + f.passes().size() + (f.passes().size() == 1 ? " pass, " : " passes, ") + verdict(f));
            for (LiveForecast d : f.disks()) {
                out.add("    VDI " + TerminalText.escape(d.vdi()) + ": " + LiveText.passList(d.passes()) + "; last delta "
                        + Sizes.human(d.finalBytes()));
            }
            out.add("    " + downtime(f));
        }
        live.notes().forEach(n -> out.add("  note: " + TerminalText.escape(n)));
        out.add("  model: " + live.model());
        return out;
    }

    public static String markdown(VmPlan p) {
        VmLivePlan live = p.live();
        if (live == null) {
            return "";
        }
        StringBuilder b = new StringBuilder("## Live migration\n\n").append(MarkdownText.text(
                "The VM keeps running while pass 0 copies a frozen snapshot of each of its disks; each later pass"
                        + " copies what it wrote during the pass before; the VM is stopped once for the last deltas"
                        + " of all its disks and the check of each. " + settings(live, p) + ". Model: " + live.model()
                        + ".")).append("\n\n");
        if (live.vms().isEmpty()) {
            b.append("No running VM in the plan.\n\n");
        }
        for (VmLiveForecast f : live.vms()) {
            b.append("### VM ").append(MarkdownText.text(f.name())).append(" (").append(MarkdownText.code(f.vm()))
                    .append(")\n\n").append(MarkdownText.text(verdict(f))).append(".\n\n| Pass | VM |");
            for (LiveForecast d : f.disks()) {
                b.append(" VDI ").append(MarkdownText.codeInCell(d.vdi())).append(" |");
            }
            b.append(" All disks | Time |\n|---:|---|").append("---:|".repeat(f.disks().size() + 2)).append('\n');
            for (int i = 0; i < f.passes().size(); i++) {
                b.append("| ").append(i).append(" | running |");
                for (LiveForecast d : f.disks()) {
                    b.append(' ').append(Sizes.human(d.passes().get(i).bytes())).append(" |");
                }
                b.append(' ').append(Sizes.human(f.passes().get(i).bytes())).append(" | ")
                        .append(LivePlanner.seconds(f.passes().get(i).seconds())).append(" |\n");
            }
            b.append("| switch-over | **stopped** |");
            for (LiveForecast d : f.disks()) {
                b.append(' ').append(Sizes.human(d.finalBytes())).append(" |");
            }
            b.append(' ').append(Sizes.human(f.finalBytes())).append(" + check (")
                    .append(LivePlanner.seconds(f.checkSeconds())).append(") | **")
                    .append(LivePlanner.seconds(f.downtimeSeconds())).append("** |\n\n")
                    .append(MarkdownText.text(downtime(f))).append(".\n\n");
        }
        for (String n : live.notes()) {
            b.append("- ").append(MarkdownText.text(n)).append('\n');
        }
        b.append(live.notes().isEmpty() ? "" : "\n")
                .append("Downtime is the switch-over's row: the VM's own shutdown and boot come on top.\n\n");
        return b.toString();
    }

    public static String html(VmPlan p) {
        VmLivePlan live = p.live();
        if (live == null) {
            return "";
        }
        StringBuilder b = new StringBuilder("<section id=\"live\"><h2>Live migration</h2>\n<p class=\"lead\">")
                .append(Html.esc("The VM keeps running while pass 0 copies a frozen snapshot of each of its disks;"
                        + " each later pass copies what it wrote during the pass before; the VM is stopped once for"
                        + " the last deltas of all its disks and the check of each. " + settings(live, p) + ". Model: "
                        + live.model() + ".")).append("</p>\n");
        if (live.vms().isEmpty()) {
            b.append("<p>No running VM in the plan.</p>\n");
        }
        for (VmLiveForecast f : live.vms()) {
            b.append("<h3>VM ").append(Html.esc(f.name())).append(" <span class=\"mono\">").append(Html.esc(f.vm()))
                    .append("</span></h3>\n<p>").append(Html.esc(verdict(f))).append(".</p>\n")
                    .append("<table class=\"compare\"><thead><tr><th>Pass</th><th>VM</th>");
            for (LiveForecast d : f.disks()) {
                b.append("<th>VDI <span class=\"mono\">").append(Html.esc(d.vdi())).append("</span></th>");
            }
            b.append("<th>All disks</th><th>Time</th></tr></thead><tbody>\n");
            for (int i = 0; i < f.passes().size(); i++) {
                b.append("<tr><td>").append(i).append("</td><td>running</td>");
                for (LiveForecast d : f.disks()) {
                    b.append("<td>").append(Html.esc(Sizes.human(d.passes().get(i).bytes()))).append("</td>");
                }
                b.append("<td>").append(Html.esc(Sizes.human(f.passes().get(i).bytes()))).append("</td><td>")
                        .append(Html.esc(LivePlanner.seconds(f.passes().get(i).seconds()))).append("</td></tr>\n");
            }
            b.append("<tr><td>switch-over</td><td><b>stopped</b></td>");
            for (LiveForecast d : f.disks()) {
                b.append("<td>").append(Html.esc(Sizes.human(d.finalBytes()))).append("</td>");
            }
            b.append("<td>").append(Html.esc(Sizes.human(f.finalBytes()) + " + check ("
                    + LivePlanner.seconds(f.checkSeconds()) + ")")).append("</td><td><b>")
                    .append(Html.esc(LivePlanner.seconds(f.downtimeSeconds()))).append("</b></td></tr>\n</tbody></table>\n")
                    .append("<p>").append(Html.esc(downtime(f))).append(".</p>\n");
        }
        for (String n : live.notes()) {
            b.append("<p class=\"note\">").append(Html.esc(n)).append("</p>\n");
        }
        b.append("<p>Downtime is the switch-over's row: the VM's own shutdown and boot come on top.</p>\n</section>\n");
        return b.toString();
    }
}
