package org.smapimigrate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live bench: reading what 'migrate --mode live --json' prints (hand-written documents of the
 * LiveResult shape), the table's arithmetic, the options; and one tiny run end to end (a 32 MiB
 * disk, a writer at 1 MiB/s, one --switch-below), which needs qemu-utils, time and python3.
 */
class LiveBenchTest {
    static final String RESULT = """
            {
              "disk" : "b3e4c2a1-0f5d-4c6e-9a7b-8d1e2f3a4b5c",
              "passes" : [ {
                "number" : 0, "last" : false, "changed" : 4294967296, "ranges" : 1, "granularity" : 512,
                "written" : 2147483648, "read" : 2147483648, "seconds" : 10.5, "copy_seconds" : 10.0
              }, {
                "number" : 1, "last" : false, "changed" : 167772160, "ranges" : 40000, "granularity" : 512,
                "written" : 167772160, "read" : 167772160, "seconds" : 1.25, "copy_seconds" : 0.75
              }, {
                "number" : 2, "last" : false, "changed" : 20971520, "ranges" : 5000, "granularity" : 512,
                "written" : 20971520, "read" : 20971520, "seconds" : 0.5, "copy_seconds" : 0.2
              }, {
                "number" : 3, "last" : true, "changed" : 1048576, "ranges" : 256, "granularity" : 512,
                "written" : 1048576, "read" : 1048576, "seconds" : 0.1, "copy_seconds" : 0.05
              } ],
              "stop" : "clean",
              "downtime_seconds" : 6.25,
              "verified" : true
            }
            """;

    @Test
    void readsTheLiveResult() throws IOException {
        LiveRunFigures r = LiveRunFigures.parse("note\n" + RESULT, 20.0);
        assertEquals(List.of(2L << 30, 160L << 20, 20L << 20, 1L << 20), r.passBytes());
        assertEquals(3, r.livePasses());
        assertEquals(6.25, r.downtimeSeconds());
        assertTrue(r.verified());
        assertEquals(20.0, r.wallSeconds());
        // (1.25 - 0.75 + 0.5 - 0.2) / 2: pass 0 and the switch-over's delta are not counted.
        assertEquals(0.4, r.passOverheadSeconds(), 1e-12);
    }

    @Test
    void refusesOutputWithoutAFinishedRun() {
        IOException none = assertThrows(IOException.class, () -> LiveRunFigures.parse("error: no such VDI", 1));
        assertTrue(none.getMessage().contains("no JSON document"), none.getMessage());
        IOException failed = assertThrows(IOException.class, () -> LiveRunFigures.parse(
                "{\"passes\":[{\"last\":false,\"read\":1}],\"failure\":\"stop hook timed out\"}", 1));
        assertTrue(failed.getMessage().contains("no downtime_seconds (the switch-over did not finish: stop hook"),
                failed.getMessage());
        IOException order = assertThrows(IOException.class, () -> LiveRunFigures.parse(
                "{\"passes\":[{\"last\":true,\"read\":1},{\"last\":false,\"read\":1}],\"downtime_seconds\":1}", 1));
        assertTrue(order.getMessage().contains("pass 0 of 2 is marked last"), order.getMessage());
    }

    @Test
    void printsPassesWithTheSwitchOverLastAndCutsLongLists() {
        assertEquals("2.00 GiB, 160 MiB | 1.00 MiB", LiveBenchTable.bytes(List.of(2L << 30, 160L << 20, 1L << 20)));
        assertEquals("1.00 KiB | 0 B", LiveBenchTable.bytes(List.of(1024L, 0L)));
        List<Long> eight = List.of(8L << 20, 7L << 20, 6L << 20, 5L << 20, 4L << 20, 3L << 20, 2L << 20, 1L << 20);
        assertEquals("8.00 MiB, 7.00 MiB, .., 4.00 MiB, 3.00 MiB, 2.00 MiB | 1.00 MiB", LiveBenchTable.bytes(eight));
        assertEquals("0.50 s", LiveBenchTable.secs(0.5));
        assertEquals("12.3 s", LiveBenchTable.secs(12.34));
    }

    @Test
    void optionsAreCheckedBeforeAnythingIsMade() {
        assertEquals(List.of("256M", "64M", "2s"), LiveBench.Options.list(" 256M, 64M,,2s "));
        IllegalArgumentException below = assertThrows(IllegalArgumentException.class, () -> new LiveBench.Options(
                64L << 20, 50, 1 << 20, 4096, List.of("64M", "soon"), 8, null, false));
        assertTrue(below.getMessage().contains("--switch-below 'soon'"), below.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LiveBench.Options(
                (64L << 20) + 512, 50, 1 << 20, 4096, List.of("64M"), 8, null, false));
        assertThrows(IllegalArgumentException.class, () -> new LiveBench.Options(
                64L << 20, 50, 1 << 20, 1000, List.of("64M"), 8, null, false));
        assertThrows(IllegalArgumentException.class, () -> new LiveBench.Options(
                64L << 20, 50, 1 << 20, 4096, List.of(), 8, null, false));
    }

    @Test
    void runsOfflineAndLiveOnATinyDisk(@TempDir Path dir) throws Exception {
        StringWriter text = new StringWriter();
        LiveBench.Options o = new LiveBench.Options(32L << 20, 50, 1L << 20, 4096, List.of("4M"), 4,
                dir.resolve("work"), false);
        LiveBench.Result r = LiveBench.run(o, SmapiMigrateProcess.current(), new PrintWriter(text, true));
        String out = text.toString();
        assertTrue(r.offlineSeconds() > 0, out);
        assertEquals(1, r.live().size(), out);
        LiveRunFigures live = r.live().get(0);
        assertTrue(live.verified(), out);
        // Pass 0 reads the frozen disk: the base's data and what the writer wrote before the freeze.
        assertTrue(live.passBytes().get(0) >= r.data() && live.passBytes().get(0) <= o.size(), out);
        assertTrue(live.livePasses() >= 1 && live.livePasses() <= 4, out);
        assertTrue(live.downtimeSeconds() > 0 && live.downtimeSeconds() < live.wallSeconds(), out);
        assertTrue(out.contains("offline") && out.contains("live 4M"), out);
        try (var s = Files.list(dir.resolve("work"))) {
            assertEquals(List.of(), s.toList(), "work files left behind");
        }
    }
}
