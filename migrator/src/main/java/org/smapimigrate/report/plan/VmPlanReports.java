package org.smapimigrate.report.plan;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.smapimigrate.vm.VmPlan;

/** Writes a VM plan's report, HTML or Markdown chosen by the file's extension, as {@link PlanReports} does. */
public final class VmPlanReports {
    private VmPlanReports() {
    }

    public static boolean knows(Path file) {
        return PlanReports.knows(file);
    }

    public static void write(VmPlan plan, Path file) throws IOException {
        if (!knows(file)) {
            throw new IllegalArgumentException("report " + file + ": name it .html or .md to choose the format");
        }
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(n.endsWith(".md") || n.endsWith(".markdown") ? VmPlanMarkdown.render(plan) : VmPlanHtml.render(plan));
        }
    }
}
