package org.smapimigrate.report.plan;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Renders a local HTML file to a PNG with headless Chromium (Debian package {@code chromium}). */
public final class HeadlessChromium {
    static final Path BINARY = Path.of("/usr/bin/chromium");

    /** What a run left: its exit code and the console lines the page logged. */
    public record Shot(int exitCode, List<String> pageConsole, String stderr) {
    }

    private HeadlessChromium() {
    }

    public static Shot screenshot(Path html, Path png, int width, int height) throws IOException, InterruptedException {
        requireBinary();
        Path profile = Files.createTempDirectory("smapi-chromium-");
        Path err = Files.createTempFile("smapi-chromium-", ".log");
        try {
            List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                    "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                    "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                    html.toAbsolutePath().toUri().toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("chromium did not finish rendering " + html + " within 120 s");
            }
            String log = Files.readString(err, StandardCharsets.UTF_8);
            List<String> console = new ArrayList<>();
            for (String line : log.split("\n")) {
                // Page console messages and load failures: "...:INFO:CONSOLE(12)] "...", source: file:///..."
                if (line.contains("CONSOLE") || line.contains("Failed to load resource")
                        || line.contains("net::ERR_")) {
                    console.add(line);
                }
            }
            return new Shot(p.exitValue(), console, log);
        } finally {
            deleteTree(profile);
            Files.deleteIfExists(err);
        }
    }

    /**
     * The DOM of a local HTML file after it loaded and any script it holds ran, serialised
     * ({@code --dump-dom}): what a script would have changed (the title, new elements) shows here.
     */
    public static String dumpDom(Path html) throws IOException, InterruptedException {
        requireBinary();
        Path profile = Files.createTempDirectory("smapi-chromium-");
        Path dom = Files.createTempFile("smapi-chromium-", ".html");
        try {
            List<String> cmd = List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                    "--virtual-time-budget=2000", "--dump-dom", html.toAbsolutePath().toUri().toString());
            Process p = new ProcessBuilder(cmd).redirectOutput(dom.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("chromium did not finish loading " + html + " within 120 s");
            }
            if (p.exitValue() != 0) {
                fail("chromium --dump-dom exited with " + p.exitValue());
            }
            return Files.readString(dom, StandardCharsets.UTF_8);
        } finally {
            deleteTree(profile);
            Files.deleteIfExists(dom);
        }
    }

    private static void requireBinary() {
        if (!Files.isExecutable(BINARY)) {
            fail("headless Chromium is needed to render the report: install the Debian package 'chromium' "
                    + "(apt-get install -y chromium)");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    // a lock file chromium still holds; the temp dir is cleaned by the system
                }
            });
        }
    }
}
