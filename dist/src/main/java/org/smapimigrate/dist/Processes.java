package org.smapimigrate.dist;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Runs the build's helper programs (jdeps, jlink, tar, the bundled java), failing with their output. */
final class Processes {
    private Processes() {
    }

    /** Runs {@code command} in {@code dir} (null: here) with extra environment; returns its output. */
    static String run(List<String> command, Path dir, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        if (env != null) {
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IOException(String.join(" ", command) + " exited " + rc + ":\n" + out.strip());
        }
        return out;
    }
}
