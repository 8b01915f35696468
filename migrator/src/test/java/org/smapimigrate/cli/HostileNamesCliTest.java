package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.testing.Corpus;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Names from a disk that try to take over the terminal: a VDI file name and a journal value with
 * ESC sequences (a window retitle, a screen clear, colours), a carriage return, a newline that
 * forges an error line, a bidirectional override; an MGT name_label with {@code <script>},
 * backticks and newlines. What {@code scan}, {@code scan --json}, {@code plan} and error lines
 * print holds no control character but line ends, and JSON still decodes to the exact names.
 */
class HostileNamesCliTest {
    static final String VDI = "\u001b]0;pwned\u0007\u001b[31mred\u001b[0m\r\nsmapi-migrate: forged line \u202eevil";
    static final String LABEL = "<script>alert(1)</script> `tick` ```\nsecond line\u001b[2J\u009b31m";

    @TempDir
    Path tmp;

    private Path hostileSr() throws Exception {
        Path sr = Files.createDirectories(tmp.resolve("b0fca227-5603-4f8a-b1be-036360633f13"));
        Files.copy(Corpus.path("file-sr/b0fca227-5603-4f8a-b1be-036360633f13/b3ad6704-fbc4-4cbf-aee8-256558fb57c3.vhd"),
                sr.resolve(VDI + ".vhd"));
        Files.write(sr.resolve("leaf_22222222-2222-4222-8222-222222222222\u001b[31m\u202e"),
                ("\u001b[31m" + VDI).getBytes(StandardCharsets.UTF_8));
        Files.write(sr.resolve("coalesce_11111111-1111-4111-8111-111111111111"),
                "\u001b]0;x\u0007".getBytes(StandardCharsets.UTF_8));
        return sr;
    }

    /** Only line ends and tabs: no C0 or C1 control, no DEL, no bidirectional control. */
    static void assertTerminalSafe(String what, String printed) {
        for (int i = 0; i < printed.length(); i++) {
            char c = printed.charAt(i);
            boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c < 0xa0)
                    || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f;
            assertFalse(control, what + ": raw U+" + String.format("%04X", (int) c) + " at " + i + " in:\n" + printed);
        }
        for (String line : printed.split("\n")) {
            assertFalse(line.startsWith("smapi-migrate: forged"), what + ": a name forged a line: " + line);
        }
    }

    @Test
    void scanPrintsNamesEscaped() throws Exception {
        Path sr = hostileSr();
        CliRun r = CliRun.of("scan", sr.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTerminalSafe("scan", r.out() + r.err());
        assertTrue(r.out().contains("\\u001b]0;pwned\\u0007\\u001b[31mred"), r.out());
        assertTrue(r.out().contains("journal-value-invalid"), r.out());
    }

    @Test
    void scanJsonKeepsTheExactNames() throws Exception {
        Path sr = hostileSr();
        CliRun r = CliRun.of("scan", "--json", sr.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTerminalSafe("scan --json", r.out() + r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals(VDI, doc.get("vdis").get(0).get("uuid").asText(), "JSON no longer decodes to the name");
    }

    @Test
    void planSummaryAndReportsEscapeNamesFromASavedInventory() throws Exception {
        Path sr = hostileSr();
        CliRun scan = CliRun.of("scan", "--json", sr.toString());
        ObjectNode doc = (ObjectNode) new ObjectMapper().readTree(scan.out());
        ((ObjectNode) doc.get("sr")).put("name_label", LABEL);
        for (JsonNode v : doc.get("vdis")) {
            ((ObjectNode) v).put("name_label", LABEL).put("role", "user");
        }
        Path inv = tmp.resolve("inventory.json");
        new ObjectMapper().writeValue(inv.toFile(), doc);
        CliRun plan = CliRun.of("plan", "--inventory", inv.toString(), "--target-sr", tmp.resolve("v3").toString(),
                "--report", tmp.resolve("r.md").toString());
        // The hostile SR's interrupted coalesce keeps a VDI off the disk: the plan says so and exits 1.
        PlanRuns.exitsForItsRisks(plan, java.util.List.of("interrupted-coalesce", "journal-value-invalid"));
        assertTerminalSafe("plan", plan.out() + plan.err());
        String md = Files.readString(tmp.resolve("r.md"));
        Node parsed = Parser.builder().build().parse(md);
        parsed.accept(new AbstractVisitor() {
            @Override
            public void visit(HtmlInline n) {
                throw new AssertionError("raw HTML in the Markdown report: " + n.getLiteral());
            }

            @Override
            public void visit(HtmlBlock n) {
                throw new AssertionError("raw HTML in the Markdown report: " + n.getLiteral());
            }
        });
        assertTerminalSafe("plan report", md);
    }

    @Test
    void errorLinesAreOneEscapedLine() {
        CliRun r = CliRun.of("scan", tmp.resolve(VDI).toString());
        assertEquals(1, r.exitCode());
        assertTerminalSafe("error", r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("smapi-migrate: error: "), r.err());
    }

    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("impossible state\n\u001b[31mwith a second line");
        }
    }

    /** The manual stays readable on a terminal, where picocli would colour it with ESC sequences. */
    @Test
    void helpIsPlainEvenWhereColoursWouldBeOn() {
        String before = System.getProperty("picocli.ansi");
        System.setProperty("picocli.ansi", "true");
        try {
            CliRun r = CliRun.of("scan", "--help");
            assertEquals(0, r.exitCode());
            assertFalse(r.out().contains("\\u001b"), r.out());
            assertTrue(r.out().contains("Usage: smapi-migrate scan [-h] [--debug] [--json]"), r.out());
        } finally {
            if (before == null) {
                System.clearProperty("picocli.ansi");
            } else {
                System.setProperty("picocli.ansi", before);
            }
        }
    }

    @Command(name = "assert")
    static final class Assert implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new AssertionError("an invariant broke\nsecond line");
        }
    }

    @Test
    void anErrorIsOneLineToo() {
        CommandLine cl = SmapiMigrate.commandLine();
        cl.addSubcommand("assert", new Assert());
        StringWriter err = new StringWriter();
        int code = SmapiMigrate.run(cl, new String[] {"assert"}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true));
        assertEquals(1, code);
        assertEquals(List.of("smapi-migrate: internal error: AssertionError: an invariant broke second line"
                + " (a bug: run again with --debug and report the trace)"), err.toString().lines().toList());
    }

    @Test
    void anInternalErrorIsOneLineAndTheTraceComesWithDebug() {
        for (boolean debug : new boolean[] {false, true}) {
            CommandLine cl = SmapiMigrate.commandLine();
            cl.addSubcommand("boom", new Boom());
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            String[] args = debug ? new String[] {"--debug", "boom"} : new String[] {"boom"};
            int code = SmapiMigrate.run(cl, args, new PrintWriter(out, true), new PrintWriter(err, true));
            assertEquals(1, code);
            assertTerminalSafe("internal error", err.toString());
            List<String> lines = err.toString().lines().toList();
            assertTrue(lines.get(0).startsWith("smapi-migrate: internal error: IllegalStateException: impossible state"),
                    lines.get(0));
            if (debug) {
                assertTrue(lines.size() > 3 && lines.get(1).contains("IllegalStateException"), err.toString());
            } else {
                assertEquals(1, lines.size(), err.toString());
                assertTrue(lines.get(0).endsWith("(a bug: run again with --debug and report the trace)"), lines.get(0));
            }
        }
    }
}
