package org.smapimigrate.report.plan;

import java.io.IOException;
import java.nio.file.Path;
import org.smapimigrate.report.ReportFile;
import org.smapimigrate.vm.VmPlan;

/** Writes a VM plan's report, HTML or Markdown chosen by the file's extension ({@link ReportFile}). */
public final class VmPlanReports {
    private VmPlanReports() {
    }

    public static boolean knows(Path file) {
        return ReportFile.knows(file);
    }

    public static void write(VmPlan plan, Path file) throws IOException {
        ReportFile.write(file, (format, w) -> w.write(format == ReportFile.Format.MARKDOWN
                ? VmPlanMarkdown.render(plan) : VmPlanHtml.render(plan)));
    }
}
