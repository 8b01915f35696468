package org.smapimigrate.report.live;

import java.io.IOException;
import java.nio.file.Path;
import org.smapimigrate.report.ReportFile;

/** Writes a live run's report, HTML or Markdown chosen by the file's extension ({@link ReportFile}), as the plan reports are. */
public final class LiveRunReports {
    private LiveRunReports() {
    }

    /** True for the extensions {@link #write} understands: .html, .htm, .md, .markdown. */
    public static boolean knows(Path file) {
        return ReportFile.knows(file);
    }

    public static void write(LiveRunView run, Path file) throws IOException {
        ReportFile.write(file, (format, w) -> w.write(format == ReportFile.Format.MARKDOWN
                ? LiveRunMarkdown.render(run) : LiveRunHtml.render(run)));
    }
}
