package org.smapimigrate.report.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableHead;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.CustomBlock;
import org.commonmark.node.CustomNode;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.inventory.Leftover;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.plan.CorpusInventory;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.PlanRequest;
import org.smapimigrate.plan.Planner;
import org.smapimigrate.plan.TargetCapabilities;
import org.smapimigrate.plan.Throughput;
import org.smapimigrate.plan.VdiSelection;
import org.smapimigrate.report.TerminalText;

/**
 * A plan whose names (MGT name_label, SR name, paths, journal values, the plugin's description)
 * try to become markup: a script that would retitle the page and log a marker, an image with an
 * onerror handler, a javascript: link, backticks and fences, pipes, emphasis, newlines that forge
 * headings, ESC sequences and a bidirectional override. The HTML report is loaded in headless
 * Chromium (no script runs: the title and the DOM stay as written, nothing is logged); the
 * Markdown report is parsed by commonmark-java with GitHub tables (no raw HTML, link, image or
 * emphasis from a name; every table row keeps its cells; every tree stays one code block).
 */
class HostileNamesReportTest {
    static final String MARKER = "XSS-RAN";
    static final String NAME = "<script>document.title='" + MARKER + "';console.log('" + MARKER + "')</script>"
            + "<img src=x onerror=\"console.log('" + MARKER + "')\"> `tick` ```fence | pipe | *bold* _under_ "
            + "[link](javascript:console.log(1)) &amp;\n## forged heading\n| forged | row |\u001b[2J\u001b]0;pwned\u0007"
            + " \u202eevil";
    static final long MIB = 1 << 20;

    @TempDir
    Path tmp;

    static Plan hostilePlan() throws Exception {
        SrInventory base = CorpusInventory.fileSr();
        List<VdiEntry> vdis = new ArrayList<>();
        for (VdiEntry v : base.vdis()) {
            vdis.add(new VdiEntry(v.uuid(), v.role(), v.hidden(), v.virtualSize(), v.allocatedBytes(), v.parent(),
                    v.depth(), v.path(), v.lv(), NAME, NAME, v.readable(), v.format()));
        }
        List<Leftover> leftovers = new ArrayList<>(base.leftovers());
        leftovers.add(new Leftover("/srv/sr/leaf_" + NAME, "journal-leaf", NAME, NAME, null));
        List<Problem> problems = new ArrayList<>(base.problems());
        problems.add(new Problem(Severity.ERROR, "bad-" + NAME, "/srv/sr/" + NAME, NAME));
        SrInventory inv = new SrInventory("/srv/`sr`|" + NAME, base.type(), base.uuid(), NAME, vdis, leftovers,
                problems);
        return Planner.plan(new PlanRequest(inv, Map.of(), VdiSelection.allUserVisible(),
                new TargetCapabilities("plugin says " + NAME, List.of("VDI_CREATE", "VDI_SNAPSHOT", "VDI_CLONE",
                        "VDI_RESIZE", "X_" + NAME), List.of("Volume.create", NAME), 400 * MIB, 1024 * MIB, false,
                        false),
                Throughput.assumed(), false));
    }

    @Test
    void htmlRunsNoScriptInChromium() throws Exception {
        Path html = tmp.resolve("hostile.html");
        PlanReports.write(hostilePlan(), html);
        String page = Files.readString(html);
        String raw = page.toLowerCase(java.util.Locale.ROOT);
        for (String markup : List.of("<script", "<img", "href=\"javascript")) {
            assertFalse(raw.contains(markup), "the page holds markup from a name: " + markup);
        }
        assertFalse(page.contains("\u001b"), "an ESC reached the page");

        String dom = HeadlessChromium.dumpDom(html);
        assertFalse(dom.contains(MARKER + "</title>") || dom.contains("<title>" + MARKER),
                "a script retitled the page");
        assertTrue(dom.contains("<title>Migration plan"), "the title changed:\n" + dom.substring(0, 600));
        String lower = dom.toLowerCase(java.util.Locale.ROOT);
        assertFalse(lower.contains("<script"), "a script element was created from a name");
        assertFalse(lower.contains("<img"), "an image element was created from a name");
        assertFalse(lower.contains("href=\"javascript"), "a link was created from a name");
        // The name is there, as text: the escaped markup shows up in the serialised DOM.
        assertTrue(dom.contains("&lt;script&gt;document.title="), "the name is not shown as text");

        HeadlessChromium.Shot shot = HeadlessChromium.screenshot(html, tmp.resolve("hostile.png"), 1280, 1600);
        assertEquals(0, shot.exitCode(), shot.stderr());
        assertEquals(List.of(), shot.pageConsole(), "the page logged (a script ran or was blocked)");
    }

    @Test
    void markdownKeepsNamesInert() throws Exception {
        Path md = tmp.resolve("hostile.md");
        Plan plan = hostilePlan();
        PlanReports.write(plan, md);
        String text = Files.readString(md);
        assertFalse(text.contains("\u001b"), "an ESC reached the Markdown");
        Node doc = Parser.builder().extensions(List.of(TablesExtension.create())).build().parse(text);

        List<String> headings = new ArrayList<>();
        int[] codeBlocks = {0};
        List<String> bad = new ArrayList<>();
        doc.accept(new AbstractVisitor() {
            @Override
            public void visit(HtmlInline n) {
                bad.add("raw inline HTML " + n.getLiteral());
            }

            @Override
            public void visit(HtmlBlock n) {
                bad.add("raw HTML block " + n.getLiteral());
            }

            @Override
            public void visit(Link n) {
                bad.add("link to " + n.getDestination());
            }

            @Override
            public void visit(Image n) {
                bad.add("image " + n.getDestination());
            }

            @Override
            public void visit(Emphasis n) {
                if (!plain(n).equals("What to do:")) {
                    bad.add("emphasis from a name: " + plain(n));
                }
            }

            @Override
            public void visit(Heading n) {
                headings.add(plain(n));
                visitChildren(n);
            }

            @Override
            public void visit(FencedCodeBlock n) {
                codeBlocks[0]++;
                assertTrue(n.getLiteral().contains(TerminalText.escape(NAME)), "a tree lost the name: " + n.getLiteral());
            }

            @Override
            public void visit(StrongEmphasis n) {
                String s = plain(n);
                if (!s.equals("ERROR") && !s.equals("WARNING") && !s.equals("INFO")
                        && !s.matches("Snapshot trees kept\\.|Every VDI flattened\\.|\\d+ left out")) {
                    bad.add("strong emphasis from a name: " + s);
                }
                visitChildren(n);
            }

            @Override
            public void visit(CustomBlock n) {
                if (n instanceof TableBlock table) {
                    checkTable(table, bad);
                }
                visitChildren(n);
            }
        });
        assertEquals(List.of(), bad);
        assertEquals(List.of("Migration plan: SR " + plan.source().uuid(), "Summary", "Strategies compared",
                "Snapshot trees", "Risks and what to do", "Target", "Steps"), headings);
        assertEquals(new PlanTrees(plan).trees.size(), codeBlocks[0], "a name broke a tree's code block");
        // The name reads back whole, as text, wherever it is shown outside code.
        assertTrue(plain(doc).contains(TerminalText.escape(NAME)), "the name does not read back as written");
    }

    /** Every row has as many cells as the header, and cells holding the name hold all of it. */
    private static void checkTable(TableBlock table, List<String> bad) {
        int header = -1;
        for (Node section = table.getFirstChild(); section != null; section = section.getNext()) {
            for (Node row = section.getFirstChild(); row != null; row = row.getNext()) {
                int cells = 0;
                for (Node c = row.getFirstChild(); c != null; c = c.getNext()) {
                    if (c instanceof TableCell) {
                        cells++;
                        String s = plain(c);
                        if (s.contains("<script>") && !s.contains(TerminalText.escape(NAME))) {
                            bad.add("a cell holds part of the name: " + s);
                        }
                    }
                }
                if (section instanceof TableHead) {
                    header = cells;
                } else if (row instanceof TableRow && cells != header) {
                    bad.add("row with " + cells + " cells under a header of " + header + ": " + plain(row));
                }
            }
        }
    }

    /** The text a reader sees: text and code literals. */
    static String plain(Node n) {
        StringBuilder b = new StringBuilder();
        n.accept(new AbstractVisitor() {
            @Override
            public void visit(Text t) {
                b.append(t.getLiteral());
            }

            @Override
            public void visit(Code c) {
                b.append(c.getLiteral());
            }

            @Override
            public void visit(CustomNode c) {
                visitChildren(c);
            }
        });
        return b.toString();
    }
}
