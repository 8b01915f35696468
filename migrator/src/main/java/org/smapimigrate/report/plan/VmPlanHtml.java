package org.smapimigrate.report.plan;

import static org.smapimigrate.report.plan.Html.esc;

import org.smapimigrate.plan.Risk;
import org.smapimigrate.vm.VmPlan;

/**
 * A VM plan as one self-contained HTML page (inline CSS, no script, nothing loaded): the VMs and
 * their VBDs, the live forecast with {@code --mode live} ({@link VmLiveSection}), the risks. The
 * disk plans' own details are in the plan file and the Markdown report. Every value from XAPI
 * goes through {@link Html#esc}.
 */
public final class VmPlanHtml {
    private VmPlanHtml() {
    }

    public static String render(VmPlan p) {
        StringBuilder b = new StringBuilder(16 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'\">\n")
                .append("<title>VM plan ").append(esc(p.id())).append("</title>\n<style>\n").append(PlanStyle.CSS)
                .append("</style>\n</head>\n<body>\n<header><div class=\"wrap\">\n")
                .append("<div class=\"eyebrow\">smapi-migrate · VM plan</div>\n<h1>VM plan <span class=\"mono\">")
                .append(esc(p.id())).append("</span></h1>\n<div class=\"route\">target SR <span class=\"srname\">")
                .append(esc(p.targetSr().name())).append("</span> <span class=\"mono\">").append(esc(p.targetSr().uuid()))
                .append("</span> (").append(esc(p.targetSr().type())).append("), transport <b>")
                .append(esc(p.transport().kind())).append("</b>: ").append(esc(p.transport().reason()))
                .append("</div>\n</div></header>\n<main>\n<section><h2>VMs</h2>\n");
        for (VmPlan.PlannedVm vm : p.vms()) {
            b.append("<h3>").append(vm.isSnapshot() ? "Snapshot " : "VM ").append(esc(vm.name()))
                    .append(" <span class=\"mono\">").append(esc(vm.uuid())).append("</span> (")
                    .append(esc(vm.isSnapshot() ? vm.snapshotTime() : vm.powerState())).append(")</h3>\n")
                    .append("<table class=\"compare\"><thead><tr><th>device</th><th>type</th><th>mode</th><th>VDI</th>")
                    .append("<th>becomes</th></tr></thead><tbody>\n");
            for (VmPlan.PlannedVbd v : vm.vbds()) {
                VmPlan.PlannedDisk d = v.vdi() == null ? null : p.disk(v.vdi());
                b.append("<tr><td>").append(esc(v.userdevice())).append("</td><td>").append(esc(v.type()))
                        .append("</td><td>").append(esc(v.mode())).append("</td><td>")
                        .append(v.vdi() == null ? "(empty)" : esc(d == null ? "" : d.nameLabel())
                                + " <span class=\"mono\">" + esc(v.vdi()) + "</span>")
                        .append("</td><td>").append(v.repoint() ? "a new VDI on the target" : esc(v.why()))
                        .append("</td></tr>\n");
            }
            b.append("</tbody></table>\n");
        }
        b.append("</section>\n").append(VmLiveSection.html(p)).append("<section><h2>Risks</h2>\n");
        if (p.risks().isEmpty()) {
            b.append("<p>None.</p>\n");
        }
        for (Risk r : p.risks()) {
            b.append("<div class=\"risk r-").append(r.severity().label().toLowerCase(java.util.Locale.ROOT))
                    .append("\"><div class=\"risk-head\"><b>").append(esc(r.severity().label())).append("</b> <code>")
                    .append(esc(r.code())).append("</code></div><p>").append(esc(r.message()))
                    .append("</p><div class=\"todo\">").append(esc(r.action())).append("</div></div>\n");
        }
        b.append("</section>\n</main>\n<footer>VM plan format ").append(esc(p.format()))
                .append(" · made by smapi-migrate plan · each disk plan's steps are in the plan file and the Markdown")
                .append(" report</footer>\n</body>\n</html>\n");
        return b.toString();
    }
}
