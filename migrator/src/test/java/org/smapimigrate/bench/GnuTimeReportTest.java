package org.smapimigrate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GnuTimeReportTest {

    /** As GNU time 1.9 (Debian 12) writes it with -v; the layout is the tool's, copied from its output. */
    static final String REPORT = """
            \tCommand being timed: "smapi-migrate export -q a.vhd -o b.raw"
            \tUser time (seconds): 0.71
            \tSystem time (seconds): 0.25
            \tPercent of CPU this job got: 143%
            \tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02.50
            \tAverage shared text size (kbytes): 0
            \tMaximum resident set size (kbytes): 123456
            \tExit status: 0
            """;

    @Test
    void readsWallTimePeakRssAndExitStatus() throws IOException {
        GnuTimeReport r = GnuTimeReport.parse(REPORT);
        assertEquals(62.5, r.elapsedSeconds(), 1e-9);
        assertEquals(123456L * 1024, r.maxRssBytes());
        assertEquals(0, r.exitStatus());
    }

    @Test
    void readsHoursMinutesSeconds() {
        assertEquals(3723.0, GnuTimeReport.clock("1:02:03"), 1e-9);
        assertEquals(0.02, GnuTimeReport.clock("0:00.02"), 1e-9);
    }

    @Test
    void aReportWithoutThePeakRssIsAnErrorNamingIt() {
        IOException e = assertThrows(IOException.class,
                () -> GnuTimeReport.parse(REPORT.replace("Maximum resident set size (kbytes): 123456\n", "")));
        assertTrue(e.getMessage().contains("maximum resident set size"), e.getMessage());
        assertThrows(IOException.class, () -> GnuTimeReport.parse(REPORT.replace("1:02.50", "soon")));
    }

    @Test
    void readsWhatTheRealGnuTimeWrites(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("t.txt");
        Process p = new ProcessBuilder(ExternalTool.require("time", "time").toString(), "-v", "-o", out.toString(),
                "sh", "-c", "sleep 0.2; exit 3").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(3, p.waitFor());
        GnuTimeReport r = GnuTimeReport.parse(Files.readString(out));
        assertEquals(3, r.exitStatus());
        assertTrue(r.elapsedSeconds() >= 0.19 && r.elapsedSeconds() < 10, "elapsed " + r.elapsedSeconds());
        assertTrue(r.maxRssBytes() > 0, "rss " + r.maxRssBytes());
    }
}
