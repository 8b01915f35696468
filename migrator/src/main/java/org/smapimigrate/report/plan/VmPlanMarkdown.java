package org.smapimigrate.report.plan;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.Risk;
import org.smapimigrate.report.MarkdownText;
import org.smapimigrate.vm.VmPlan;

/**
 * A VM plan as Markdown: the VM section (each VM and snapshot VM, its VBDs by userdevice and what
 * becomes of each), with {@code --mode live} the live forecast ({@link VmLiveSection}), the risks, then each disk plan's own report as 'plan --sr' writes it. Every
 * value from XAPI goes through {@link MarkdownText}.
 */
public final class VmPlanMarkdown {
    private VmPlanMarkdown() {
    }

    public static String render(VmPlan p) {
        StringBuilder b = new StringBuilder();
        b.append("# VM plan ").append(MarkdownText.code(p.id())).append("\n\n");
        b.append("Target SR ").append(MarkdownText.text(p.targetSr().name())).append(" (")
                .append(MarkdownText.code(p.targetSr().uuid())).append(", type ")
                .append(MarkdownText.code(p.targetSr().type())).append("); transport **")
                .append(MarkdownText.text(p.transport().kind())).append("**: ")
                .append(MarkdownText.text(p.transport().reason())).append(".\n\n## VMs\n\n");
        for (VmPlan.PlannedVm vm : p.vms()) {
            b.append(vm.isSnapshot() ? "### Snapshot " : "### VM ").append(MarkdownText.text(vm.name())).append(" (")
                    .append(MarkdownText.code(vm.uuid())).append(", ")
                    .append(MarkdownText.text(vm.isSnapshot() ? vm.snapshotTime() : vm.powerState())).append(")\n\n");
            b.append("| device | type | mode | VDI | becomes |\n|---|---|---|---|---|\n");
            for (VmPlan.PlannedVbd v : vm.vbds()) {
                VmPlan.PlannedDisk d = v.vdi() == null ? null : p.disk(v.vdi());
                b.append("| ").append(MarkdownText.text(v.userdevice())).append(" | ").append(MarkdownText.text(v.type()))
                        .append(" | ").append(MarkdownText.text(v.mode())).append(" | ")
                        .append(v.vdi() == null ? "(empty)" : MarkdownText.text(d == null ? "" : d.nameLabel()) + " "
                                + MarkdownText.codeInCell(v.vdi()))
                        .append(" | ").append(v.repoint() ? "a new VDI on the target" + (d != null && d.volumeStep() != null
                                ? " (volume " + MarkdownText.codeInCell(d.volumeStep()) + ")" : "")
                                : MarkdownText.text(v.why())).append(" |\n");
            }
            b.append('\n');
        }
        b.append(VmLiveSection.markdown(p));
        b.append("## Risks\n\n");
        if (p.risks().isEmpty()) {
            b.append("None.\n\n");
        } else {
            b.append("| severity | code | what | what to do |\n|---|---|---|---|\n");
            for (Risk r : p.risks()) {
                b.append("| ").append(r.severity().label()).append(" | ").append(MarkdownText.codeInCell(r.code()))
                        .append(" | ").append(MarkdownText.text(r.message())).append(" | ")
                        .append(MarkdownText.text(r.action())).append(" |\n");
            }
            b.append('\n');
        }
        for (Plan d : p.diskPlans()) {
            b.append("---\n\n").append(PlanMarkdown.render(d)).append('\n');
        }
        return b.toString();
    }

    public static void write(VmPlan p, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(render(p));
        }
    }
}
