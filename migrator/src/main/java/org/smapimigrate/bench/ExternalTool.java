package org.smapimigrate.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A third-party program the benchmark compares against, found on PATH or named with its package. */
public final class ExternalTool {
    private ExternalTool() {
    }

    /** The program's path, or an IOException naming the Debian package to install. */
    public static Path require(String program, String debianPackage) throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IOException(program + " not found on PATH: install it with 'apt-get install " + debianPackage + "'");
    }

    /** Runs a command to completion, failing with its output when it exits non-zero. */
    public static void run(List<String> command, Path stdoutTo) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
        pb.redirectErrorStream(stdoutTo == null);
        if (stdoutTo != null) {
            pb.redirectOutput(stdoutTo.toFile());
        }
        Process p = pb.start();
        byte[] out = stdoutTo == null ? p.getInputStream().readAllBytes() : p.getErrorStream().readAllBytes();
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IOException(String.join(" ", command) + " exited " + rc + ": " + new String(out).strip());
        }
    }
}
