package org.smapimigrate.report.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.smapimigrate.live.LivePass;
import org.smapimigrate.live.LiveTimeline;
import org.smapimigrate.report.TerminalText;
import org.smapimigrate.report.plan.HeadlessChromium;

/**
 * The live run's Markdown and HTML reports, rendered from runs whose every string from outside
 * (the disk, the controller's description, the volume key, the switch-over's description, the
 * stop, the failure: VM names and XAPI replies) tries to become markup: a script that would retitle
 * the page and log a marker, an image with an onerror handler, a javascript: link, backticks,
 * fences, pipes, emphasis, newlines forging headings, ESC sequences and a bidirectional override.
 * The Markdown is parsed by commonmark-java with GitHub tables (no raw HTML, link, image or
 * emphasis from a name; every row keeps its cells); the HTML is loaded in headless Chromium (the
 * DOM keeps its title, no element is made from a name, nothing is logged) and screenshotted.
 */
class LiveRunReportRenderTest {
    static final String MARKER = "XSS-RAN";
    static final String NAME = "<script>document.title='" + MARKER + "';console.log('" + MARKER + "')</script>"
            + "<img src=x onerror=\"console.log('" + MARKER + "')\"> `tick` ```fence | pipe | *bold* _under_ "
            + "[link](javascript:console.log(1)) &amp;\n## forged heading\n| forged | row |\u001b[2J\u001b]0;pwned\u0007"
            + " \u202eevil";
    static final long MIB = 1L << 20;

    @TempDir
    Path tmp;

    static List<LivePass> passes() {
        return List.of(new LivePass(0, false, 64 * MIB, 1, 512, 64 * MIB, 64 * MIB, 2.5, 2.0, "sha256:" + "a".repeat(64)),
                new LivePass(1, false, 5 * MIB, 37, 512, 5 * MIB, 5 * MIB, 0.75, 0.25, "sha256:" + "b".repeat(64)),
                new LivePass(2, false, 512 * 1024, 9, 512, 512 * 1024, 512 * 1024, 0.5, 0.05, "sha256:" + "c".repeat(64)),
                new LivePass(3, true, 4096, 1, 512, 4096, 4096, 0.1, 0.01, null));
    }

    static LiveRunView succeeded(int disks) {
        List<LiveRunView.Disk> d = new ArrayList<>();
        for (int i = 0; i < disks; i++) {
            d.add(new LiveRunView.Disk(NAME + i, "VM " + NAME, "vol-" + NAME, passes(), "sha256:" + "d".repeat(64),
                    "sha256:" + "d".repeat(64), true));
        }
        return new LiveRunView(d, "clean " + NAME, 1.75, List.of(new LiveTimeline.DowntimePart(LiveTimeline.STOP, 0.5),
                new LiveTimeline.DowntimePart(LiveTimeline.FINAL_DELTA, 0.1),
                new LiveTimeline.DowntimePart(LiveTimeline.CHECK, 0.8),
                new LiveTimeline.DowntimePart(LiveTimeline.REPOINT, 0.15),
                new LiveTimeline.DowntimePart(LiveTimeline.START, 0.2)), "VM " + NAME + " repointed", "new", null,
                false, false, 3, 3);
    }

    static LiveRunView failed() {
        LiveRunView.Disk d = new LiveRunView.Disk(NAME, "VM " + NAME, "vol-" + NAME, passes().subList(0, 3), null, null,
                false);
        return new LiveRunView(List.of(d), "hook", 0.9, List.of(new LiveTimeline.DowntimePart(LiveTimeline.STOP, 0.4),
                new LiveTimeline.DowntimePart(LiveTimeline.START_OLD, 0.5)), null, "old",
                "verification failed at byte 4096: " + NAME, false, false, 3, 2);
    }

    @Test
    void markdownKeepsHostileNamesInertAndShowsTheRun() {
        for (LiveRunView v : List.of(succeeded(1), succeeded(3), failed())) {
            String md = LiveRunMarkdown.render(v);
            assertFalse(md.contains("\u001b"), "an ESC reached the Markdown");
            Node doc = Parser.builder().extensions(List.of(TablesExtension.create())).build().parse(md);
            List<String> bad = new ArrayList<>();
            List<String> headings = new ArrayList<>();
            List<Integer> tableRows = new ArrayList<>();
            int[] charts = {0};
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
                    bad.add("emphasis from a name: " + plain(n));
                }

                @Override
                public void visit(StrongEmphasis n) {
                    String s = plain(n);
                    if (!s.matches("Failed:|MISMATCH|\\d+\\.\\d{3} s")) {
                        bad.add("strong emphasis from a name: " + s);
                    }
                }

                @Override
                public void visit(Heading n) {
                    headings.add(plain(n));
                }

                @Override
                public void visit(FencedCodeBlock n) {
                    charts[0]++;
                    assertTrue(n.getLiteral().startsWith("pass 0 ") && n.getLiteral().contains("#"), n.getLiteral());
                }

                @Override
                public void visit(CustomBlock n) {
                    if (n instanceof TableBlock t) {
                        tableRows.add(rows(t, bad));
                    }
                }
            });
            assertEquals(List.of(), bad);
            List<String> expected = new ArrayList<>();
            expected.add("Live migration: " + (v.failure() == null ? "done" : "FAILED"));
            v.disks().forEach(d -> expected.add("Disk " + TerminalText.escape(d.disk())));
            expected.add("Downtime");
            assertEquals(expected, headings, "a name forged or broke a heading");
            assertEquals(v.disks().size(), charts[0], "one chart per disk");
            // one pass table per disk with a row per pass, then the downtime's parts
            List<Integer> rows = new ArrayList<>();
            v.disks().forEach(d -> rows.add(d.passes().size()));
            rows.add(v.downtimeParts().size());
            assertEquals(rows, tableRows);
            String text = plain(doc);
            assertTrue(text.contains(TerminalText.escape(NAME)), "the name does not read back as written");
            if (v.failure() != null) {
                assertTrue(text.contains("verification failed at byte 4096: " + TerminalText.escape(NAME)), text);
                assertTrue(text.contains("VM left: running on its old disks (started again after the failure)"), text);
                assertTrue(text.contains("3 temporary snapshots made, 2 released, 1 LEFT"), text);
                assertTrue(text.contains("Verification: not reached."), text);
                assertTrue(text.contains(LiveTimeline.START_OLD), text);
            } else {
                assertTrue(text.contains("3 temporary snapshots made, 3 released"), text);
                assertTrue(text.contains("1.750 s from stop requested to VM started"), text);
                for (String part : List.of(LiveTimeline.STOP, LiveTimeline.FINAL_DELTA, LiveTimeline.CHECK,
                        LiveTimeline.REPOINT, LiveTimeline.START)) {
                    assertTrue(text.contains(part), part);
                }
                assertTrue(text.contains("final (VM stopped)"), text);
                assertTrue(text.contains("the whole target equals the quiet source, sha256:" + "d".repeat(64)), text);
            }
        }
    }

    @Test
    void htmlRunsNoScriptAndDrawsOneBarPerPass() throws Exception {
        int n = 0;
        for (LiveRunView v : List.of(succeeded(2), failed())) {
            Path html = tmp.resolve("live-" + n + ".html");
            LiveRunReports.write(v, html);
            String page = Files.readString(html);
            String lower = page.toLowerCase(Locale.ROOT);
            for (String banned : new String[] {"<script", "<img", "<link", "<iframe", "<a ", "@import", "url(http"}) {
                assertFalse(lower.contains(banned), "the page holds " + banned);
            }
            assertFalse(page.contains("\u001b"), "an ESC reached the page");
            // One bar per pass of each disk, its height the bytes written over the largest pass's.
            Matcher m = Pattern.compile("<rect class=\"bar( final)?\" x=\"\\d+\" y=\"[\\d.]+\" width=\"\\d+\" "
                    + "height=\"([\\d.]+)\">").matcher(page);
            List<Double> heights = new ArrayList<>();
            while (m.find()) {
                heights.add(Double.parseDouble(m.group(2)));
            }
            List<Double> expected = new ArrayList<>();
            for (LiveRunView.Disk d : v.disks()) {
                long max = d.passes().stream().mapToLong(LivePass::written).max().orElseThrow();
                for (LivePass p : d.passes()) {
                    expected.add(Math.max(1, Math.round(10.0 * p.written() / max * LiveRunHtml.CHART_HEIGHT) / 10.0));
                }
            }
            assertEquals(expected, heights);

            if (n++ > 0) {
                continue; // Chromium once (seconds per load): the page of two disks, names in every field
            }
            String dom = HeadlessChromium.dumpDom(html);
            assertTrue(dom.contains("<title>Live migration · " + (v.failure() == null ? "done" : "failed")
                    + "</title>"), "the title changed:\n" + dom.substring(0, 400));
            String d = dom.toLowerCase(Locale.ROOT);
            assertFalse(d.contains("<script") || d.contains("<img") || d.contains("href=\"javascript"),
                    "an element was made from a name");
            assertFalse(dom.contains(MARKER + "</title>"), "a script retitled the page");
            assertTrue(dom.contains("&lt;script&gt;document.title="), "the name is not shown as text");
            Path png = Files.createDirectories(Path.of("target")).resolve("live-run-report.png"); // for people to look at
            HeadlessChromium.Shot shot = HeadlessChromium.screenshot(html, png, 1100, 1400);
            assertEquals(0, shot.exitCode(), shot.stderr());
            assertEquals(List.of(), shot.pageConsole(), "the page logged (a script ran or was blocked)");
            assertTrue(Files.size(png) > 20_000, "the screenshot shows nothing");
        }
    }

    @Test
    void theReportFileIsChosenByItsName() throws Exception {
        assertTrue(LiveRunReports.knows(Path.of("run.MD")));
        assertTrue(LiveRunReports.knows(Path.of("run.htm")));
        assertFalse(LiveRunReports.knows(Path.of("run.txt")));
        LiveRunReports.write(failed(), tmp.resolve("r.md"));
        assertTrue(Files.readString(tmp.resolve("r.md")).startsWith("# Live migration: FAILED"));
        LiveRunReports.write(failed(), tmp.resolve("r.html"));
        assertTrue(Files.readString(tmp.resolve("r.html")).startsWith("<!DOCTYPE html>"));
    }

    /** Rows of a table (header excluded); each must have as many cells as the header. */
    private static int rows(TableBlock table, List<String> bad) {
        int header = -1;
        int rows = 0;
        for (Node section = table.getFirstChild(); section != null; section = section.getNext()) {
            for (Node row = section.getFirstChild(); row != null; row = row.getNext()) {
                int cells = 0;
                for (Node c = row.getFirstChild(); c != null; c = c.getNext()) {
                    cells += c instanceof TableCell ? 1 : 0;
                }
                if (section instanceof TableHead) {
                    header = cells;
                } else if (row instanceof TableRow) {
                    rows++;
                    if (cells != header) {
                        bad.add("row with " + cells + " cells under a header of " + header + ": " + plain(row));
                    }
                }
            }
        }
        return rows;
    }

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
