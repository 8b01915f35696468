package org.smapimigrate.report.plan;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.smapimigrate.plan.Plan;

/** Writes a plan report, HTML or Markdown chosen by the file's extension. */
public final class PlanReports {
    private PlanReports() {
    }

    /** True for the extensions {@link #write} understands: .html, .htm, .md, .markdown. */
    public static boolean knows(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".html") || n.endsWith(".htm") || n.endsWith(".md") || n.endsWith(".markdown");
    }

    public static void write(Plan plan, Path file) throws IOException {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!knows(file)) {
            throw new IllegalArgumentException("report " + file + ": name it .html or .md to choose the format");
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            if (n.endsWith(".md") || n.endsWith(".markdown")) {
                PlanMarkdown.write(plan, w);
            } else {
                PlanHtml.write(plan, w);
            }
        }
    }
}
