package org.smapimigrate.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A report file whose format its extension chooses: {@code .md}/{@code .markdown} for Markdown,
 * {@code .html}/{@code .htm} for HTML. One rule for every report the tool writes (plans, VM
 * plans, live runs), so {@code --report} means the same on every command.
 */
public final class ReportFile {
    /** The two formats a report is written in. */
    public enum Format { MARKDOWN, HTML }

    /** Renders one report in the format asked for. */
    @FunctionalInterface
    public interface Renderer {
        void write(Format format, Writer out) throws IOException;
    }

    private ReportFile() {
    }

    /** True for the extensions {@link #write} understands: .html, .htm, .md, .markdown. */
    public static boolean knows(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".html") || n.endsWith(".htm") || n.endsWith(".md") || n.endsWith(".markdown");
    }

    /** Writes the report in UTF-8, in the format the file's extension names. */
    public static void write(Path file, Renderer renderer) throws IOException {
        if (!knows(file)) {
            throw new IllegalArgumentException("report " + file + ": name it .html or .md to choose the format");
        }
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Format format = n.endsWith(".md") || n.endsWith(".markdown") ? Format.MARKDOWN : Format.HTML;
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            renderer.write(format, w);
        }
    }
}
