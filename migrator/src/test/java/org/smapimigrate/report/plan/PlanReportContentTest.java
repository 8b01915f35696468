package org.smapimigrate.report.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.plan.CorpusInventory;
import org.smapimigrate.plan.LvmCorpusInventory;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.Planner;
import org.smapimigrate.plan.PlanRequest;
import org.smapimigrate.plan.Risk;
import org.smapimigrate.plan.SyntheticSr;
import org.smapimigrate.plan.TargetCapabilities;
import org.smapimigrate.plan.Throughput;
import org.smapimigrate.plan.VdiSelection;

/** What the HTML and Markdown reports say, checked against the plan they render. */
class PlanReportContentTest {

    static Plan fileSrPlan() throws Exception {
        return Planner.plan(new PlanRequest(CorpusInventory.fileSr(), Map.of(), VdiSelection.allUserVisible(),
                TargetCapabilities.full("test target"), Throughput.assumed(), false));
    }

    @Test
    void htmlHasEverySectionEveryRiskAndEveryImage() throws Exception {
        Plan p = fileSrPlan();
        String html = PlanHtml.render(p);
        for (String section : List.of("Strategies compared", "Snapshot trees", "Risks and what to do", "Steps",
                "Target")) {
            assertTrue(html.contains("<h2>" + section), section);
        }
        for (Risk r : p.risks()) {
            assertTrue(html.contains(Html.esc(r.code())), r.code());
            assertTrue(html.contains(Html.esc(r.action())), r.code() + " action");
        }
        p.nodes().forEach(n -> assertTrue(html.contains(n.uuid()), "tree lacks " + n.uuid()));
        assertEquals(p.steps().size(), count(html, "<tr><td class=\"num\">"));
        // one drawing per tree of the corpus SR: 3 snapshot/clone/deep trees, raw, hidden leaf, orphan base copy
        assertEquals(6, count(html, "<svg class=\"tree\""));
        PlanHtmlChromiumTest.assertSelfContained(html);
    }

    @Test
    void markdownHasTheSameContentWithTreesAsText() throws Exception {
        Plan p = fileSrPlan();
        String md = PlanMarkdown.render(p);
        for (String section : List.of("## Summary", "## Strategies compared", "## Snapshot trees",
                "## Risks and what to do", "## Target", "## Steps")) {
            assertTrue(md.contains(section), section);
        }
        // the clone branch as an indented tree: base copy, then its two leaves
        assertTrue(md.contains("a328e562  BASE COPY"), md);
        assertTrue(md.contains("├─ 93c35dd3  VDI"), md);
        assertTrue(md.contains("└─ e497b363  VDI"), md);
        for (Risk r : p.risks()) {
            assertTrue(md.contains("`" + r.code() + "`"), r.code());
        }
        assertEquals(p.steps().size(), md.lines().filter(l -> l.matches("\\| \\d+ \\| `.*")).count());
    }

    @Test
    void namesFromTheSrCannotInjectMarkup() throws Exception {
        SrInventory inv = CorpusInventory.fileSr();
        List<VdiEntry> vdis = new ArrayList<>();
        String hostile = "<script>alert(1)</script> | `x` \n# heading";
        for (VdiEntry v : inv.vdis()) {
            vdis.add(new VdiEntry(v.uuid(), v.role(), v.hidden(), v.virtualSize(), v.allocatedBytes(), v.parent(),
                    v.depth(), v.path(), v.lv(), hostile, hostile, v.readable(), v.format()));
        }
        SrInventory named = new SrInventory(inv.path(), "lvm", inv.uuid(), "<b>SR</b>", vdis, inv.leftovers(),
                inv.problems());
        Plan p = Planner.plan(new PlanRequest(named, Map.of(), VdiSelection.allUserVisible(),
                TargetCapabilities.full("<i>t</i>"), Throughput.assumed(), false));
        String html = PlanHtml.render(p);
        assertFalse(html.contains("<script>"));
        assertFalse(html.contains("<b>SR</b>"));
        assertFalse(html.contains("<i>t</i>"));
        assertTrue(html.contains("&lt;script&gt;"));
        String md = PlanMarkdown.render(p);
        // Inside fenced code (the trees) markup shows literally; everywhere else it must be escaped.
        String prose = md.replaceAll("(?s)```text\n.*?```", "");
        assertFalse(prose.contains("<script>"), prose);
        assertFalse(md.contains("\n# heading"), "a newline in a name must not start a Markdown heading");
        assertTrue(md.contains("```text\n"));
    }

    @Test
    void bigPlansAreCutShortInTheReportButNotInThePlan() {
        SyntheticSr sr = SyntheticSr.generate(6000, 3L);
        Plan p = Planner.plan(new PlanRequest(sr.inventory(), sr.snapshots(), VdiSelection.allUserVisible(),
                TargetCapabilities.full("t"), Throughput.assumed(), false));
        String html = PlanHtml.render(p);
        assertTrue(html.contains("more trees are not drawn here"));
        assertTrue(html.contains("more steps; the plan file lists every one"));
        assertTrue(count(html, "<g class=\"node") <= PlanHtml.MAX_TREE_NODES);
        assertEquals(PlanHtml.MAX_STEP_ROWS, count(html, "<tr><td class=\"num\">"));
    }

    @Test
    void theReportFormatFollowsTheExtension(@TempDir Path dir) throws Exception {
        Plan p = Planner.plan(new PlanRequest(new LvmCorpusInventory().inventory, Map.of(),
                VdiSelection.allUserVisible(), TargetCapabilities.full("t"), Throughput.assumed(), false));
        PlanReports.write(p, dir.resolve("r.html"));
        PlanReports.write(p, dir.resolve("r.md"));
        assertTrue(Files.readString(dir.resolve("r.html")).startsWith("<!DOCTYPE html>"));
        assertTrue(Files.readString(dir.resolve("r.md")).startsWith("# Migration plan"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlanReports.write(p, dir.resolve("r.pdf")));
        assertTrue(e.getMessage().contains(".html or .md"));
    }

    @Test
    void durationsReadLikeSpeech() {
        assertEquals("0 s", Durations.human(0));
        assertEquals("59 s", Durations.human(59));
        assertEquals("1 min", Durations.human(60));
        assertEquals("12 min 30 s", Durations.human(750));
        assertEquals("3 h 05 min", Durations.human(3 * 3600 + 5 * 60 + 9));
        assertEquals("2 d 4 h", Durations.human(2 * 86_400 + 4 * 3600 + 100));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }
}
