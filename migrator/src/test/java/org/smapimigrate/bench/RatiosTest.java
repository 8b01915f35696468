package org.smapimigrate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RatiosTest {
    static Measured m(String name, double... seconds) {
        return new Measured(name, BenchCase.Where.TOOL, 1L << 30, seconds, -1);
    }

    @Test
    void bestIsTheFastestRunAndMedianTheMiddleOne() {
        Measured odd = m("a", 3.0, 1.0, 2.0);
        assertEquals(1.0, odd.best());
        assertEquals(2.0, odd.median());
        assertEquals(2.5, m("b", 4.0, 1.0, 3.0, 2.0).median(), 1e-12);
        assertEquals(0.5, m("c", 2.0).dataGibPerSecond(), 1e-12); // 1 GiB in 2 s
    }

    @Test
    void speedIsTheReferenceTimeOverTheCaseTime() {
        Measured qemu = m("qemu-img", 0.53);
        Measured export = m("export", 1.06);
        assertEquals(0.5, Ratios.speed(qemu, export), 1e-12);
        assertEquals(2.0, Ratios.timeMultiple(qemu, export), 1e-12);
        assertEquals(2.0, Ratios.speed(export, qemu), 1e-12);
        assertEquals("0.50x", Ratios.speedCell(Optional.of(qemu), export));
        assertEquals("1.00x", Ratios.speedCell(Optional.of(qemu), qemu));
    }

    @Test
    void aMissingReferenceShowsADash() {
        List<Measured> all = List.of(m("export", 1.0));
        assertEquals(Optional.empty(), Ratios.find(all, "nbdcopy"));
        assertEquals("-", Ratios.speedCell(Ratios.find(all, "nbdcopy"), all.get(0)));
    }

    @Test
    void theJobsValueIsPassedOnlyOnceMigrateHasTheOption() {
        assertEquals(List.of(), ManyVdiCase.jobsOption(4, false));
        assertEquals(List.of("--jobs", "4"), ManyVdiCase.jobsOption(4, true));
    }

    @Test
    void theRssTargetLineIsAboutTheEightJobCase() {
        Measured j4 = new Measured("8 VDIs j4", BenchCase.Where.PROCESS, 1L << 30, new double[] {1}, 300L << 20);
        Measured j8 = new Measured("8 VDIs j8", BenchCase.Where.PROCESS, 1L << 30, new double[] {1}, 200L << 20);
        Measured over = new Measured("8 VDIs j8", BenchCase.Where.PROCESS, 1L << 30, new double[] {1}, 257L << 20);
        assertEquals(Optional.of("8 VDIs j8 (process) peaked at 200 MiB RSS (target: at most 256 MiB)"),
                BenchTable.rssTarget(List.of(j4, j8)));
        assertEquals(Optional.of("8 VDIs j8 (process) peaked at 257 MiB RSS (target: at most 256 MiB): not met"),
                BenchTable.rssTarget(List.of(over)));
        assertEquals(Optional.empty(), BenchTable.rssTarget(List.of(j4)));
    }
}
