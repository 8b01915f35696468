package org.smapimigrate.report.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;
import org.smapimigrate.plan.ForecastSettings;
import org.smapimigrate.plan.SwitchBelow;
import org.smapimigrate.plan.Throughput;
import org.smapimigrate.report.TerminalText;
import org.smapimigrate.vm.VmLivePlanner;
import org.smapimigrate.vm.VmPlan;

/**
 * A live VM plan whose VM name and VDI names come from XAPI as hostile text (the names of
 * {@link HostileNamesReportTest}): the terminal lines hold no control character, the Markdown has
 * no raw HTML, link or image and keeps its headings, the HTML page no element made from a name.
 */
class VmLiveSectionHostileTest {
    static final String NAME = HostileNamesReportTest.NAME;
    static final long MIB = 1L << 20;

    static VmPlan plan() {
        String vm = "0b6a5f0e-1111-4222-8333-944445555666";
        List<VmPlan.PlannedVbd> vbds = List.of(
                new VmPlan.PlannedVbd("vbd-0", "0", "Disk", "RW", true, false, "vdi-a", true, null),
                new VmPlan.PlannedVbd("vbd-1", "1", "Disk", "RW", false, false, "vdi-b", true, null));
        List<VmPlan.PlannedDisk> disks = new ArrayList<>();
        for (String v : List.of("vdi-a", "vdi-b")) {
            disks.add(new VmPlan.PlannedDisk(v, "sr", NAME, NAME, 64 * MIB, "user", false, null, null, List.of(NAME),
                    Map.of(), null, null));
        }
        VmPlan p = new VmPlan(VmPlan.FORMAT, "id", "https://pool", new VmPlan.PoolSr("t", NAME, "org.x"),
                new VmPlan.Transport("xapi", NAME), "/", List.of(new VmPlan.PlannedVm(vm, NAME, "Running", null, null,
                vbds)), disks, List.of(), List.of());
        return VmLivePlanner.plan(p, new ForecastSettings(MIB, "given", SwitchBelow.ofBytes(MIB), 4, 0.5, 300 * MIB),
                new Throughput(100 * MIB, "given"), Map.of("vdi-a", 10 * MIB), Map.of());
    }

    @Test
    void namesStayText() {
        VmPlan p = plan();
        assertEquals(1, p.live().vms().size());
        for (String line : VmLiveSection.lines(p)) {
            assertFalse(line.chars().anyMatch(c -> c < 0x20 || c == 0x202e), "a control character: " + line);
        }
        assertTrue(String.join("\n", VmLiveSection.lines(p)).contains("VM " + TerminalText.escape(NAME)));

        String md = VmPlanMarkdown.render(p);
        Node doc = Parser.builder().extensions(List.of(TablesExtension.create())).build().parse(md);
        List<String> bad = new ArrayList<>();
        doc.accept(new AbstractVisitor() {
            @Override
            public void visit(HtmlInline n) {
                bad.add("inline HTML " + n.getLiteral());
            }

            @Override
            public void visit(HtmlBlock n) {
                bad.add("HTML block " + n.getLiteral());
            }

            @Override
            public void visit(Link n) {
                bad.add("link " + n.getDestination());
            }

            @Override
            public void visit(Image n) {
                bad.add("image " + n.getDestination());
            }
        });
        assertEquals(List.of(), bad);
        assertTrue(md.contains("## Live migration"), md);
        assertFalse(md.contains("\n## forged heading"), "a name forged a heading");

        String html = VmPlanHtml.render(p).toLowerCase(Locale.ROOT);
        for (String markup : List.of("<script", "<img", "href=\"javascript")) {
            assertFalse(html.contains(markup), "markup from a name: " + markup);
        }
        assertTrue(html.contains("&lt;script&gt;document.title="), "the name is shown as text");
        assertTrue(html.contains("<section id=\"live\">"), html);
    }
}
