package org.smapimigrate.batch.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import javax.xml.parsers.DocumentBuilderFactory;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.CustomBlock;
import org.commonmark.node.CustomNode;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.batch.BatchRun;
import org.smapimigrate.batch.Claims;
import org.smapimigrate.batch.Job;
import org.smapimigrate.batch.JobStates;
import org.smapimigrate.batch.VolumeMigration;
import org.smapimigrate.batch.Window;
import org.smapimigrate.report.TerminalText;
import org.smapimigrate.report.plan.HeadlessChromium;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The summary of a real BatchRun (stand-in migration: one volume fails twice over, one is held by
 * another host's claim, one is left by the window), and of a run whose job, SR, VDI and failure
 * names try to become markup: a script, an image with onerror, pipes that would split a table
 * cell, backticks, a newline that forges a row, an ESC sequence.
 */
class BatchSummaryTest {
    static final String MARKER = "XSS-RAN";
    static final String HOSTILE = "<script>document.title='" + MARKER + "'</script><img src=x onerror=\"console.log('"
            + MARKER + "')\"> `tick` ```fence | pipe | *bold* [l](javascript:alert(1)) &amp;\n| forged | row |"
            + "\u001b[2J";
    private static final Instant T0 = Instant.parse("2026-12-05T22:00:00Z");

    @TempDir
    Path tmp;

    @Test
    void aRunsCountsBytesFailuresSkipsAndLimitsReachAllThreeFiles() throws Exception {
        Path state = tmp.resolve("state");
        Job nightly = new Job("nightly", List.of(Path.of("/sr")), List.of(), Path.of("/t"), null, Map.of(), null,
                Optional.of(Window.parse("22:00-06:00")), OptionalLong.of(200L << 20), 2, 1);
        // another host holds vdi-c
        try (Claims other = new Claims(state, "host-b", Duration.ofMinutes(10), Clock.systemUTC());
             Claims mine = new Claims(state, "host-a", Duration.ofMinutes(10), Clock.systemUTC())) {
            assertTrue(other.claim("nightly", "/sr", "vdi-c").taken());
            VolumeMigration m = (job, sr, vdi, dir) -> {
                if (vdi.equals("vdi-b")) {
                    throw new IOException("target full\nsecond line");
                }
                return new VolumeMigration.Done("sha256:" + vdi, 3L << 20);
            };
            Clock at2300 = Clock.fixed(Instant.parse("2026-12-05T23:00:00Z"), java.time.ZoneOffset.UTC);
            BatchRun.Result r = new BatchRun(state, at2300, d -> { }, Duration.ZERO, m, s -> { }, mine)
                    .run(List.of(nightly), Map.of("nightly", List.of(new BatchRun.Volume("/sr", "vdi-a"),
                            new BatchRun.Volume("/sr", "vdi-b"), new BatchRun.Volume("/sr", "vdi-c"))));
            SummaryReport rep = BatchSummary.write(state, "host-a", List.of(nightly),
                    Map.of("nightly", JobStates.load(state, "nightly")), r, T0, T0.plusSeconds(3725));

            JsonNode json = new ObjectMapper().readTree(state.resolve("summary.json").toFile());
            assertEquals("host-a", json.get("host").asText());
            assertEquals("failed", json.get("status").asText());
            assertEquals(3725.0, json.get("seconds").asDouble());
            JsonNode total = json.get("total");
            assertEquals(3, total.get("volumes").asInt());
            assertEquals(1, total.get("done").asInt());
            assertEquals(1, total.get("failed").asInt());
            assertEquals(1, total.get("skipped").asInt());
            assertEquals(3L << 20, total.get("copiedBytes").asLong());
            JsonNode job = json.get("jobs").get(0);
            assertEquals("22:00-06:00", job.get("window").asText());
            assertEquals("200 MiB/s", job.get("bandwidth").asText());
            assertEquals(200L << 20, job.get("bandwidthBytesPerSecond").asLong());
            assertEquals(2, job.get("concurrency").asInt());
            assertEquals(1, job.get("recorded").get("done").asInt());
            assertEquals(1, job.get("recorded").get("failed").asInt());
            JsonNode failed = json.get("failed").get(0);
            assertEquals("vdi-b", failed.get("vdi").asText());
            assertEquals("target full", failed.get("reason").asText());
            assertEquals(2, failed.get("attempts").asInt());
            JsonNode skipped = json.get("skipped").get(0);
            assertEquals("vdi-c", skipped.get("vdi").asText());
            assertTrue(skipped.get("reason").asText().contains(" on host-b "), skipped.toString());
            assertEquals(rep.total().failed(), total.get("failed").asInt());

            String md = Files.readString(state.resolve("summary.md"));
            assertTrue(md.contains("# Batch run on host-a: failed"), md);
            assertTrue(md.contains("| nightly | failed | 22:00-06:00 | 200 MiB/s | 2 | 3 | 1 | 0 | 1 | 1 | 0 |"
                    + " 3.00 MiB |"), md);
            assertTrue(md.contains("1:02:05"), "the run's time: " + md);
            Document html = xml(state.resolve("summary.html"));
            assertEquals("vdi-b", cell(html, "failed", 1, 2));
            assertEquals("2", cell(html, "failed", 1, 3));
            assertEquals("target full", cell(html, "failed", 1, 4));
            assertEquals("vdi-c", cell(html, "skipped", 1, 2));
            assertEquals("failed", ((Element) rows(html, "jobs").item(1)).getAttribute("class"));
        }
    }

    @Test
    void hostileNamesStayTextInJsonMarkdownAndHtml() throws Exception {
        Path out = tmp.resolve("out");
        Job job = new Job(HOSTILE, List.of(Path.of("/sr")), List.of(), Path.of("/t"), null, Map.of(), null,
                Optional.empty(), OptionalLong.empty(), 1, 0);
        Instant s = T0.plusSeconds(1);
        List<BatchRun.Outcome> outcomes = List.of(
                new BatchRun.Outcome(HOSTILE, "/sr|" + HOSTILE, "vdi " + HOSTILE, BatchRun.Kind.FAILED, null, 0, 4,
                        "engine said " + HOSTILE, s, s.plusSeconds(5)),
                new BatchRun.Outcome(HOSTILE, "/sr", HOSTILE, BatchRun.Kind.SKIPPED, null, 0, 0,
                        "claimed by " + HOSTILE, s, s),
                new BatchRun.Outcome(HOSTILE, "/sr", "ok", BatchRun.Kind.DONE, "sha256:x", 7, 1, null, s, s));
        BatchRun.Result r = new BatchRun.Result(1, 0, 7, 1, 0, false, List.of("x"), 1, outcomes);
        BatchSummary.write(out, "host-a", List.of(job), Map.of(), r, T0, T0.plusSeconds(10));

        JsonNode json = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(HOSTILE, json.get("jobs").get(0).get("name").asText(), "JSON keeps the value exactly");
        assertEquals("engine said " + HOSTILE, json.get("failed").get(0).get("reason").asText());

        // HTML: a strict XML parser finds the structure as written: no element from a name
        String page = Files.readString(out.resolve("summary.html"));
        assertFalse(page.contains("\u001b"), "an ESC reached the page");
        Document html = xml(out.resolve("summary.html"));
        for (String tag : List.of("script", "img", "a", "iframe", "object", "link")) {
            assertEquals(0, html.getElementsByTagName(tag).getLength(), "a <" + tag + "> element from a name");
        }
        NodeList all = html.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            for (String attr : List.of("src", "href", "onerror", "onload")) {
                assertFalse(e.hasAttribute(attr), "<" + e.getTagName() + " " + attr + "=...>: a resource or handler");
            }
        }
        String style = html.getElementsByTagName("style").item(0).getTextContent();
        assertFalse(style.contains("url(") || style.contains("@import"), "the style loads nothing");
        String shown = TerminalText.escape(HOSTILE);
        assertEquals(shown, cell(html, "jobs", 1, 0));
        assertEquals("/sr|" + shown, cell(html, "failed", 1, 1));
        assertEquals("vdi " + shown, cell(html, "failed", 1, 2));
        assertEquals("engine said " + shown, cell(html, "failed", 1, 4));
        assertEquals(2, rows(html, "failed").getLength(), "a newline forged no row");

        // and Chromium runs no script from it: the title stays, nothing is logged
        String dom = HeadlessChromium.dumpDom(out.resolve("summary.html"));
        assertFalse(dom.contains("<title>" + MARKER), "a script retitled the page");
        assertFalse(dom.toLowerCase(Locale.ROOT).contains("<script"), "a script element was created");
        assertTrue(dom.contains("&lt;script&gt;document.title="), "the name is shown as text");

        // Markdown: commonmark with GitHub tables finds no HTML, link or image, and every row keeps its cells
        String md = Files.readString(out.resolve("summary.md"));
        assertFalse(md.contains("\u001b"));
        Node doc = Parser.builder().extensions(List.of(TablesExtension.create())).build().parse(md);
        List<String> bad = new ArrayList<>();
        List<List<String>> tableRows = new ArrayList<>();
        doc.accept(new AbstractVisitor() {
            @Override public void visit(HtmlInline n) { bad.add("inline HTML " + n.getLiteral()); }
            @Override public void visit(HtmlBlock n) { bad.add("HTML block " + n.getLiteral()); }
            @Override public void visit(Link n) { bad.add("link " + n.getDestination()); }
            @Override public void visit(Image n) { bad.add("image " + n.getDestination()); }

            @Override
            public void visit(CustomBlock n) {
                if (n instanceof TableBlock) {
                    tableRows.add(List.of("-table-"));
                }
                visitChildren(n);
            }

            @Override
            public void visit(CustomNode n) {
                if (n instanceof TableRow) {
                    List<String> cells = new ArrayList<>();
                    for (Node c = n.getFirstChild(); c != null; c = c.getNext()) {
                        if (c instanceof TableCell) {
                            cells.add(plain(c));
                        }
                    }
                    tableRows.add(cells);
                    return;
                }
                visitChildren(n);
            }
        });
        assertEquals(List.of(), bad);
        // tables: totals (header, row), jobs (header, row), failed (header, row), skipped (header, row)
        List<List<String>> failedTable = table(tableRows, 2);
        assertEquals(2, failedTable.size(), "a newline forged no row: " + failedTable);
        assertEquals(List.of(shown, "/sr|" + shown, "vdi " + shown, "4", "engine said " + shown), failedTable.get(1));
        List<List<String>> skippedTable = table(tableRows, 3);
        assertEquals(List.of(shown, "/sr", shown, "claimed by " + shown), skippedTable.get(1));
        assertEquals(shown, table(tableRows, 1).get(1).get(0));
    }

    /** The rows of the n-th table (0-based) from the visitor's list. */
    private static List<List<String>> table(List<List<String>> all, int n) {
        int seen = -1;
        List<List<String>> rows = new ArrayList<>();
        for (List<String> r : all) {
            if (r.equals(List.of("-table-"))) {
                seen++;
                continue;
            }
            if (seen == n) {
                rows.add(r);
            }
        }
        return rows;
    }

    private static String plain(Node n) {
        StringBuilder b = new StringBuilder();
        n.accept(new AbstractVisitor() {
            @Override public void visit(Text t) { b.append(t.getLiteral()); }
            @Override public void visit(Code c) { b.append(c.getLiteral()); }
        });
        return b.toString();
    }

    private static Document xml(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(Files.readAllBytes(file)));
    }

    private static NodeList rows(Document d, String tableId) {
        NodeList tables = d.getElementsByTagName("table");
        for (int i = 0; i < tables.getLength(); i++) {
            Element t = (Element) tables.item(i);
            if (t.getAttribute("id").equals(tableId)) {
                return t.getElementsByTagName("tr");
            }
        }
        throw new AssertionError("no table " + tableId);
    }

    private static String cell(Document d, String tableId, int row, int col) {
        Element tr = (Element) rows(d, tableId).item(row);
        return tr.getElementsByTagName("td").item(col).getTextContent();
    }
}
