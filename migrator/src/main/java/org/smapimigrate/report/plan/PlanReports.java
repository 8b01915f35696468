package org.smapimigrate.report.plan;

import java.io.IOException;
import java.nio.file.Path;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.report.ReportFile;

/** Writes a plan report, HTML or Markdown chosen by the file's extension ({@link ReportFile}). */
public final class PlanReports {
    private PlanReports() {
    }

    /** True for the extensions {@link #write} understands: .html, .htm, .md, .markdown. */
    public static boolean knows(Path file) {
        return ReportFile.knows(file);
    }

    public static void write(Plan plan, Path file) throws IOException {
        ReportFile.write(file, (format, w) -> {
            if (format == ReportFile.Format.MARKDOWN) {
                PlanMarkdown.write(plan, w);
            } else {
                PlanHtml.write(plan, w);
            }
        });
    }
}
