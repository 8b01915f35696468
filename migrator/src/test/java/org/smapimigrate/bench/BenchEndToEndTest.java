package org.smapimigrate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole benchmark on a tiny disk, one timed run per case: every case runs (third-party tools,
 * in-JVM, child processes, many VDIs), every output is compared with qemu-img's, the table shows
 * them all. Needs qemu-utils, libnbd-bin, time and python3.
 */
class BenchEndToEndTest {

    @Test
    void runsEveryCaseOnATinyDiskAndPrintsOneTable(@TempDir Path dir) throws Exception {
        StringWriter text = new StringWriter();
        Bench.Options o = new Bench.Options(16L << 20, 40, 1, false, dir.resolve("work"), false, 1, 100);
        List<Measured> all = Bench.run(o, SmapiMigrateProcess.current(), new PrintWriter(text, true));
        String out = text.toString();

        List<String> expected = List.of("qemu-img/tool", "cat/tool", "nbdcopy/tool", "serve>nbdcopy/in-JVM", "qemu+cmp/tool", "export/in-JVM",
                "migrate/in-JVM", "export/process", "migrate/process", "1 VDI j1/process", "1 VDI j4/process", "1 VDI j8/process");
        assertEquals(expected, all.stream().map(m -> m.name() + "/" + m.where().label()).toList(), out);
        for (Measured m : all) {
            assertTrue(m.best() > 0, m.name());
            assertEquals(m.where() == BenchCase.Where.PROCESS, m.peakRss() > 0, m.name() + " peak RSS " + m.peakRss());
        }
        assertTrue(out.contains("identical"), out);
        assertTrue(out.contains("export (process) takes"), out);
        assertTrue(out.contains("1 VDI j8 (process) peaked at "), out);
        assertTrue(out.contains("Planning 100 synthetic VDIs"), out);
        for (Measured m : all) {
            assertTrue(out.contains(m.name()), m.name() + " missing from the table:\n" + out);
        }
        try (var s = Files.list(dir.resolve("work"))) {
            assertEquals(List.of(), s.toList(), "work files left behind");
        }
    }
}
