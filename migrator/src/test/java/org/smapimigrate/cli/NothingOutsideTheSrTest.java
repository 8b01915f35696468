package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.testing.HostileFileSr;

/**
 * {@code smapi-migrate scan} of a hostile file SR ({@link HostileFileSr}) run under strace, which
 * records every system call that takes a path: no call names anything in the directory outside
 * the SR, and the links inside the SR that lead there are only ever examined as links (lstat,
 * readlink, O_NOFOLLOW), never followed by a stat or an open.
 */
class NothingOutsideTheSrTest {
    private static final Path STRACE = Path.of("/usr/bin/strace");
    /** The first quoted argument of a traced call: {@code 123 openat(AT_FDCWD, "/x", ...) = 3}. */
    private static final Pattern CALL = Pattern.compile("^(?:\\[pid\\s+)?\\d*\\]?\\s*([a-z0-9_]+)\\((?:[A-Z_]+, )?\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    Path tmp;

    @Test
    void scanNeverLooksOutsideTheSr() throws Exception {
        if (!Files.isExecutable(STRACE)) {
            fail("strace is needed to watch the scan's system calls: install the Debian package 'strace'");
        }
        HostileFileSr h = HostileFileSr.build(tmp);
        Path log = tmp.resolve("strace.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(STRACE.toString(), "-f", "-qq", "-s", "4096", "-e", "trace=%file", "-o",
                log.toString(), java, "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                "org.smapimigrate.cli.SmapiMigrate", "scan", "--json", h.sr().toString());
        Process p = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("out.json").toFile())
                .redirectError(tmp.resolve("err.txt").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the scan under strace did not finish in 120 s: something opened the FIFO outside the SR");
        }
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("err.txt")));
        assertTrue(Files.readString(tmp.resolve("out.json")).contains("journal-value-invalid"));

        String outside = h.outside().toString();
        List<String> links = h.links().stream().map(Path::toString).toList();
        List<String> bad = new ArrayList<>();
        int calls = 0;
        int sawLinks = 0;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = CALL.matcher(line.trim());
            if (!m.find()) {
                continue;
            }
            calls++;
            String syscall = m.group(1);
            // Relative to the working directory or holding "./" and "../": compared in normal form.
            String path = Path.of("").toAbsolutePath().resolve(m.group(2)).normalize().toString();
            if (path.startsWith(outside + "/") || path.equals(outside)) {
                bad.add("looked outside: " + line);
            }
            if (links.contains(path)) {
                sawLinks++;
                boolean asLink = syscall.startsWith("readlink") || syscall.equals("lstat")
                        || line.contains("AT_SYMLINK_NOFOLLOW") || line.contains("O_NOFOLLOW");
                if (!asLink) {
                    bad.add("followed a link out: " + line);
                }
            }
        }
        assertTrue(calls > 100, "strace recorded too little to judge: " + calls + " calls");
        assertTrue(sawLinks > 0, "the scan never even listed the links: is the trace complete?");
        assertEquals(List.of(), bad);
    }
}
