package org.smapimigrate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * smapi-migrate started as a child process, as people run it, under GNU time for its peak RSS.
 * The command is the launcher that started this JVM ({@value #LAUNCHER_ENV}, which
 * {@code bin/smapi-migrate} and the checkout's {@code ./smapi-migrate} set), so the child gets
 * the same JVM settings and CDS archive; without it (tests, an IDE), this JVM's java and class path.
 */
public record SmapiMigrateProcess(List<String> command, String description) {
    public static final String LAUNCHER_ENV = "SMAPI_MIGRATE_LAUNCHER";
    static final String MAIN = "org.smapimigrate.cli.SmapiMigrate";

    public static SmapiMigrateProcess current() {
        String launcher = System.getenv(LAUNCHER_ENV);
        if (launcher != null && !launcher.isBlank() && Files.isExecutable(Path.of(launcher))) {
            return new SmapiMigrateProcess(List.of(launcher), launcher);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new SmapiMigrateProcess(List.of(java, "-cp", System.getProperty("java.class.path"), MAIN),
                "java -cp <this JVM's class path> (no " + LAUNCHER_ENV + ")");
    }

    /** Runs {@code smapi-migrate ARGS} in {@code dir}; its output goes to {@code log}. Fails on a non-zero exit. */
    public GnuTimeReport run(List<String> args, Path dir, Path log) throws IOException, InterruptedException {
        Path timeReport = dir.resolve("gnu-time.txt");
        List<String> full = new ArrayList<>(List.of(ExternalTool.require("time", "time").toString(), "-v", "-o",
                timeReport.toString()));
        full.addAll(command);
        full.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        int rc = p.waitFor();
        String output = Files.exists(log) ? Files.readString(log) : "";
        if (rc != 0) {
            throw new IOException("smapi-migrate " + String.join(" ", args) + " exited " + rc + ":\n" + output.strip());
        }
        return GnuTimeReport.parse(Files.readString(timeReport));
    }

    /** The text of {@code smapi-migrate ARGS} (a manual, say); fails on a non-zero exit. */
    public String output(List<String> args, Path dir) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "out", ".txt");
        try {
            run(args, dir, log);
            return Files.readString(log);
        } finally {
            Files.deleteIfExists(log);
            Files.deleteIfExists(dir.resolve("gnu-time.txt"));
        }
    }

}
