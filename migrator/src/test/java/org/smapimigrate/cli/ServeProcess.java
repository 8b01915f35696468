package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code smapi-migrate serve} as a real process (its own JVM, so SIGTERM is real): started with
 * the test classpath, ready once it printed one URI per export, stopped with SIGTERM.
 */
final class ServeProcess implements AutoCloseable {
    private final Process process;
    private final Path err;
    final List<String> uris = new ArrayList<>();

    private ServeProcess(Process process, Path err) {
        this.process = process;
        this.err = err;
    }

    /** Starts serve with {@code args} and waits for {@code exports} URI lines. */
    static ServeProcess start(Path dir, int exports, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "org.smapimigrate.cli.SmapiMigrate", "serve"));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(dir, "serve", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        ServeProcess s = new ServeProcess(p, err);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try {
                    for (String l; (l = out.readLine()) != null; ) {
                        lines.add(l);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
                lines.add("\0EOF");
            }, "serve stdout");
            reader.setDaemon(true);
            reader.start();
            while (s.uris.size() < exports) {
                String line = lines.poll(60, TimeUnit.SECONDS);
                if (line == null) {
                    fail("serve " + String.join(" ", args) + " printed only " + s.uris + " within 60 s:\n" + s.stderr());
                }
                if (line.equals("\0EOF")) {
                    p.waitFor(10, TimeUnit.SECONDS);
                    fail("serve " + String.join(" ", args) + " ended before printing " + exports + " URIs: "
                            + s.uris + "\n" + s.stderr());
                }
                s.uris.add(line);
            }
            return s;
        } catch (Throwable t) {
            s.close();
            throw t;
        }
    }

    /** The URI printed for {@code export}. */
    String uri(String export) {
        for (String u : uris) {
            if (u.contains("/" + export + "?") || u.endsWith("/" + export)) {
                return u;
            }
        }
        return fail("no URI for export " + export + " in " + uris);
    }

    String stderr() {
        try {
            return Files.readString(err, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    /** SIGTERM; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            fail("serve did not stop within 20 s of SIGTERM:\n" + stderr());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
