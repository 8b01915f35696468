package org.smapimigrate.nbd;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The programs nobody on this project wrote that the NBD tests take their truth from. A missing
 * program fails the test and names the Debian package to install; it never skips.
 */
public enum ThirdPartyTool {
    NBDKIT("nbdkit", "nbdkit"),
    QEMU_NBD("qemu-nbd", "qemu-utils"),
    QEMU_IMG("qemu-img", "qemu-utils"),
    QEMU_IO("qemu-io", "qemu-utils"),
    NBDINFO("nbdinfo", "libnbd-bin"),
    NBDCOPY("nbdcopy", "libnbd-bin");

    private final String program;
    private final String debianPackage;

    ThirdPartyTool(String program, String debianPackage) {
        this.program = program;
        this.debianPackage = debianPackage;
    }

    /** The program's path, or a test failure naming the package. */
    public String path() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.add("/usr/bin");
        dirs.add("/usr/sbin");
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return fail(program + " is not installed: install the Debian package '" + debianPackage
                + "' (apt-get install -y " + debianPackage + ")");
    }

    /** Runs the program to completion (at most two minutes) and returns what it printed. */
    public Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(path());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("tool-out", ".txt");
        Path err = Files.createTempFile("tool-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly().waitFor();
                fail(String.join(" ", command) + " did not finish within two minutes");
            }
            return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs it and fails the test unless it exits 0. */
    public Result runOk(String... args) throws IOException, InterruptedException {
        Result r = run(args);
        if (r.exit() != 0) {
            fail(r.describe());
        }
        return r;
    }

    public record Result(List<String> command, int exit, String stdout, String stderr) {
        String describe() {
            return String.join(" ", command) + " exited " + exit + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }
}
