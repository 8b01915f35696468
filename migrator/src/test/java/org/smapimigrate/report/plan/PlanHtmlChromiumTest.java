package org.smapimigrate.report.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.smapimigrate.plan.CorpusInventory;
import org.smapimigrate.plan.LvmCorpusInventory;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.Planner;
import org.smapimigrate.plan.PlanRequest;
import org.smapimigrate.plan.TargetCapabilities;
import org.smapimigrate.plan.Throughput;
import org.smapimigrate.plan.VdiSelection;

/**
 * Renders plan reports in headless Chromium and keeps the screenshots under migrator/target/ for
 * people to look at. The page must load with no console message and no failed resource.
 */
class PlanHtmlChromiumTest {
    static final long MIB = 1 << 20;

    @Test
    void fileSrPlanRendersCleanly() throws Exception {
        Plan plan = Planner.plan(new PlanRequest(CorpusInventory.fileSr(), Map.of(), VdiSelection.allUserVisible(),
                new TargetCapabilities("bundled plugin org.smapimigrate.dirvol at /srv/v3-sr",
                        TargetCapabilities.full("x").features(), null, 40 * MIB, 1024 * MIB, false, false),
                new Throughput(500 * MIB, "given"), false));
        render(plan, "plan-report-file-sr");
    }

    @Test
    void lvmSrPlanWithSnapshotRecordsRendersCleanly() throws Exception {
        LvmCorpusInventory lvm = new LvmCorpusInventory();
        Plan plan = Planner.plan(new PlanRequest(lvm.inventory, lvm.snapshots, VdiSelection.allUserVisible(),
                new TargetCapabilities("org.xen.xapi.storage.zfs-vol (clones only from snapshots)",
                        List.of("VDI_CREATE", "VDI_SNAPSHOT", "VDI_CLONE", "VDI_RESIZE"), null, 2048 * MIB,
                        4096 * MIB, true, true),
                Throughput.assumed(), false));
        render(plan, "plan-report-lvm-sr");
    }

    static void render(Plan plan, String name) throws Exception {
        Path dir = Files.createDirectories(Path.of("target"));
        Path html = dir.resolve(name + ".html");
        Path png = dir.resolve(name + ".png");
        Files.deleteIfExists(png);
        PlanReports.write(plan, html);
        String page = Files.readString(html);
        assertSelfContained(page);
        HeadlessChromium.Shot shot = HeadlessChromium.screenshot(html, png, 1280, 2000);
        assertEquals(0, shot.exitCode(), "chromium failed:\n" + shot.stderr());
        assertEquals(List.of(), shot.pageConsole(), "the page logged to the console");
        assertTrue(Files.size(png) > 20_000, "screenshot too small to show anything: " + Files.size(png));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1280, img.getWidth());
        assertEquals(2000, img.getHeight());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 7) {
            for (int x = 0; x < img.getWidth(); x += 7) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 100, "the screenshot is nearly uniform: " + colours.size() + " colours");
    }

    /** No script, no external stylesheet, image, font or frame: the page works from a mail attachment. */
    static void assertSelfContained(String page) {
        String lower = page.toLowerCase(java.util.Locale.ROOT);
        for (String banned : new String[] {"<script", "<link", "<img", "<iframe", "@import", "url(http",
            "src=", "href=\"http", "href='http"}) {
            assertTrue(!lower.contains(banned), "report is not self-contained: contains " + banned);
        }
    }
}
