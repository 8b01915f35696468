package org.smapimigrate.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The helper's output is taken only when it is exactly what the script prints; ranges are cut by it. */
class FileHolesTest {
    private static Extent d(long o, long l) {
        return new Extent(o, l, ExtentKind.DATA);
    }

    private static Extent h(long o, long l) {
        return new Extent(o, l, ExtentKind.UNALLOCATED);
    }

    @Test
    void parsesWhatTheScriptPrints() {
        assertEquals(List.of(), FileHoles.parse("end\n", 100));
        assertEquals(List.of(d(0, 10), d(50, 50)), FileHoles.parse("0 10\n50 50\nend\n", 100));
    }

    @Test
    void refusesAnythingElse() {
        for (String bad : List.of("", "0 10\n", "0 10\nend", "end\nend\n", "0 10\n5 10\nend\n", "0 0\nend\n",
                "-1 5\nend\n", "90 20\nend\n", "0 x\nend\n", "0 10 2\nend\n", "0  10\nend\n",
                "9223372036854775807 1\nend\n", "end\n\n")) {
            assertNull(FileHoles.parse(bad, 100), bad);
        }
    }

    @Test
    void cutsRangesIntoDataAndHoles() {
        List<Extent> runs = List.of(d(10, 10), d(50, 20));
        assertEquals(List.of(h(0, 10), d(10, 10), h(20, 30), d(50, 20), h(70, 30)), FileHoles.cut(runs, 0, 100));
        assertEquals(List.of(d(15, 5), h(20, 30), d(50, 5)), FileHoles.cut(runs, 15, 40));
        assertEquals(List.of(h(25, 10)), FileHoles.cut(runs, 25, 10));
        assertEquals(List.of(d(0, 100)), FileHoles.cut(null, 0, 100));
        assertEquals(List.of(), FileHoles.cut(runs, 5, 0));
        assertEquals(List.of(h(0, 100)), FileHoles.cut(List.of(), 0, 100));
    }
}
