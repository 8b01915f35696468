package org.smapimigrate.report.live;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writes a live run's report, HTML or Markdown chosen by the file's extension, as the plan reports are. */
public final class LiveRunReports {
    private LiveRunReports() {
    }

    /** True for the extensions {@link #write} understands: .html, .htm, .md, .markdown. */
    public static boolean knows(Path file) {
        return org.smapimigrate.report.plan.PlanReports.knows(file);
    }

    public static void write(LiveRunView run, Path file) throws IOException {
        if (!knows(file)) {
            throw new IllegalArgumentException("report " + file + ": name it .html or .md to choose the format");
        }
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(n.endsWith(".md") || n.endsWith(".markdown") ? LiveRunMarkdown.render(run) : LiveRunHtml.render(run));
        }
    }
}
