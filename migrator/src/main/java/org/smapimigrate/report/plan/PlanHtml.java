package org.smapimigrate.report.plan;

import static org.smapimigrate.report.plan.Html.esc;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.plan.NodeDisposition;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.Risk;
import org.smapimigrate.plan.SourceNode;
import org.smapimigrate.plan.Step;
import org.smapimigrate.plan.Strategy;
import org.smapimigrate.plan.StrategyFigures;
import org.smapimigrate.plan.TargetCapabilities;
import org.smapimigrate.plan.Totals;
import org.smapimigrate.report.Sizes;

/**
 * The plan as one self-contained HTML page: inline CSS and SVG, no script, no external resource.
 * Sections: summary, strategies compared, snapshot trees, risks, target, steps.
 */
public final class PlanHtml {
    /** Beyond this many images the trees are cut short (the plan file has them all). */
    static final int MAX_TREE_NODES = 1500;
    /** Beyond this many steps the table is cut short. */
    static final int MAX_STEP_ROWS = 2000;

    private final Plan plan;
    private final StringBuilder b = new StringBuilder(64 * 1024);

    private PlanHtml(Plan plan) {
        this.plan = plan;
    }

    public static String render(Plan plan) {
        return new PlanHtml(plan).page();
    }

    public static void write(Plan plan, Writer out) throws IOException {
        out.write(render(plan));
        out.flush();
    }

    private String page() {
        String sr = plan.source().uuid() == null ? plan.source().path() : plan.source().uuid();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                // Defence in depth behind the escaping: the page runs no script and loads nothing.
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'\">\n")
                .append("<title>Migration plan · SR ").append(esc(sr)).append("</title>\n<style>\n")
                .append(PlanStyle.CSS).append("</style>\n</head>\n<body>\n")
                // Base copies are drawn hatched; the pattern is shared by every tree drawing.
                .append("<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><defs>")
                .append("<pattern id=\"hatch\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" ")
                .append("patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#eef2f7\"/>")
                .append("<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#d5dde8\" stroke-width=\"3\"/>")
                .append("</pattern></defs></svg>\n");
        header(sr);
        b.append("<main>\n");
        summary();
        b.append(LiveSection.html(plan));
        strategies();
        trees();
        risks();
        target();
        steps();
        b.append("</main>\n<footer>Plan format ").append(esc(plan.format()))
                .append(" · made by smapi-migrate plan · figures are allocated bytes in whole VHD blocks; ")
                .append("the data moved can be less.</footer>\n</body>\n</html>\n");
        return b.toString();
    }

    private void header(String sr) {
        boolean preserve = plan.strategy() == Strategy.PRESERVE;
        b.append("<header><div class=\"wrap\">\n<div class=\"eyebrow\">smapi-migrate · migration plan</div>\n")
                .append("<h1>SMAPIv1 SR <span class=\"mono\">").append(esc(sr)).append("</span></h1>\n")
                .append("<div class=\"route\"><span class=\"chip\">").append(esc(plan.source().type()))
                .append(" SR</span>");
        if (plan.source().nameLabel() != null) {
            b.append(" <span class=\"srname\">“").append(esc(plan.source().nameLabel())).append("”</span>");
        }
        b.append(" <span class=\"arrow\">→</span> <span class=\"chip\">SMAPIv3</span> ")
                .append(esc(plan.target().description())).append("</div>\n")
                .append("<div class=\"strategy ").append(preserve ? "s-preserve" : "s-flatten").append("\">")
                .append(preserve ? "Snapshot trees kept" : "Every VDI flattened").append("</div>\n")
                .append("<p class=\"reason\">").append(esc(plan.strategyReason())).append("</p>\n</div></header>\n");
    }

    private void summary() {
        Totals t = plan.totals();
        long errors = count(Severity.ERROR);
        long warnings = count(Severity.WARNING);
        long infos = count(Severity.INFO);
        b.append("<section class=\"cards\">\n");
        card("VDIs to migrate", String.valueOf(t.vdisMigrated()), "of " + t.vdisSelected() + " selected"
                + (t.vdisSkipped() > 0 ? " · <b class=\"sev-error-t\">" + t.vdisSkipped() + " left out</b>" : "")
                + " · " + t.volumes() + " volumes" + (t.carriers() > 0 ? " (" + t.carriers() + " carriers)" : "")
                + " · " + esc(Sizes.human(t.virtualBytes())) + " virtual");
        card("Data to copy", (t.bytesToCopyUpperBound() ? "≤ " : "") + Sizes.human(t.bytesToCopy()),
                plan.strategy() == Strategy.PRESERVE ? "flattening every VDI would copy "
                        + (t.flatten().bytesUpperBound() ? "up to " : "") + esc(Sizes.human(t.flatten().bytesToCopy()))
                        : "keeping the trees would copy " + esc(Sizes.human(t.preserve().bytesToCopy())));
        card("Target space", Sizes.human(t.targetSpaceNeeded()), esc(t.targetSpaceBasis())
                + freeText());
        card("Estimated time", Durations.human(t.estimatedSeconds()), "copy " + esc(Sizes.human(t.bytesToCopy()))
                + " + verify " + esc(Sizes.human(t.bytesToVerify())) + " at "
                + esc(Sizes.rate(plan.throughput().bytesPerSecond())) + " (" + esc(plan.throughput().basis()) + ")");
        b.append("</section>\n");
        b.append("<a class=\"riskbar\" href=\"#risks\">")
                .append(countPill("error", errors, "error", "errors"))
                .append(countPill("warning", warnings, "warning", "warnings"))
                .append(countPill("info", infos, "note", "notes"))
                .append("<span class=\"riskbar-text\">")
                .append(errors > 0 ? "Read the errors before running this plan." : warnings > 0
                        ? "Look at the warnings before running this plan." : "Nothing stands in the way.")
                .append("</span></a>\n");
    }

    private String freeText() {
        Long free = plan.target().freeSpace();
        if (free == null) {
            return " · target free space unknown";
        }
        return " · target has " + esc(Sizes.human(free)) + " free";
    }

    private void card(String label, String value, String detailHtml) {
        b.append("<div class=\"card\"><div class=\"label\">").append(esc(label)).append("</div><div class=\"value\">")
                .append(esc(value)).append("</div><div class=\"detail\">").append(detailHtml).append("</div></div>\n");
    }

    private long count(Severity s) {
        return plan.risks().stream().filter(r -> r.severity() == s).count();
    }

    private static String pill(String sev, String text) {
        return "<span class=\"pill sev-" + sev + "\">" + esc(text) + "</span>";
    }

    /** A count pill: coloured when there is something to count, grey when zero. */
    private static String countPill(String sev, long n, String one, String many) {
        return "<span class=\"pill " + (n == 0 ? "sev-none" : "sev-" + sev) + "\">" + n + " " + (n == 1 ? one : many)
                + "</span>";
    }

    private void strategies() {
        Totals t = plan.totals();
        StrategyFigures p = t.preserve();
        StrategyFigures f = t.flatten();
        boolean preserve = plan.strategy() == Strategy.PRESERVE;
        long max = Math.max(1, Math.max(p.targetSpaceWithoutSharing(), f.targetSpaceWithoutSharing()));
        b.append("<section><h2>Strategies compared</h2>\n<p class=\"lead\">Keeping the trees writes every image's "
                + "own blocks once and lets the target make the snapshots and clones; flattening writes each VDI's "
                + "whole chain into a volume of its own. Figures for the same selection.</p>\n")
                .append("<table class=\"compare\"><thead><tr><th></th><th class=\"").append(preserve ? "chosen" : "")
                .append("\">Keep snapshot trees").append(preserve ? " <span class=\"tag\">chosen</span>" : "")
                .append(p.available() ? "" : " <span class=\"tag muted\">target cannot</span>")
                .append("</th><th class=\"").append(preserve ? "" : "chosen").append("\">Flatten every VDI")
                .append(preserve ? "" : " <span class=\"tag\">chosen</span>").append("</th></tr></thead><tbody>\n");
        compareRow("Data to copy", p.bytesToCopy(), p.bytesUpperBound(), f.bytesToCopy(), f.bytesUpperBound(), max);
        compareRow("Target space, snapshots share blocks", p.targetSpaceSharing(), false, f.targetSpaceSharing(),
                f.bytesUpperBound(), max);
        compareRow("Target space, snapshots copy blocks (upper bound)", p.targetSpaceWithoutSharing(), true,
                f.targetSpaceWithoutSharing(), true, max);
        b.append("<tr><td>Volumes</td><td>").append(p.volumes()).append("</td><td>").append(f.volumes())
                .append("</td></tr>\n<tr><td>Estimated time (copy + verify)</td><td>")
                .append(esc(Durations.human(p.estimatedSeconds()))).append("</td><td>")
                .append(esc(Durations.human(f.estimatedSeconds()))).append("</td></tr>\n</tbody></table>\n</section>\n");
    }

    private void compareRow(String label, long a, boolean aBound, long c, boolean cBound, long max) {
        b.append("<tr><td>").append(esc(label)).append("</td>");
        for (long[] v : new long[][] {{a, aBound ? 1 : 0}, {c, cBound ? 1 : 0}}) {
            int pct = (int) Math.max(v[0] > 0 ? 1 : 0, Math.round(100.0 * v[0] / max));
            b.append("<td><div class=\"hbar\"><div style=\"width:").append(pct).append("%\"></div></div><span>")
                    .append(v[1] == 1 ? "≤ " : "").append(esc(Sizes.human(v[0]))).append("</span></td>");
        }
        b.append("</tr>\n");
    }

    private void trees() {
        PlanTrees trees = new PlanTrees(plan);
        long maxAlloc = plan.nodes().stream().mapToLong(SourceNode::allocatedBytes).max().orElse(1);
        ChainTreeSvg svg = new ChainTreeSvg(new NodeActions(plan), maxAlloc);
        b.append("<section><h2>Snapshot trees</h2>\n<p class=\"lead\">Every image of the SR from its root: base "
                + "copies (read-only parents), the snapshots and clones that share them, VDIs, raw VDIs and hidden "
                + "leaves. Bars show each image's own allocated bytes; the right column says what the plan does "
                + "with it (hover for the details).</p>\n");
        legend();
        // Columns line up across trees, up to a depth; deeper trees push their own columns.
        int levels = Math.min(8, trees.trees.stream().flatMap(List::stream).mapToInt(PlanTrees.Row::level).max()
                .orElse(0));
        int drawn = 0;
        int index = 0;
        for (List<PlanTrees.Row> tree : trees.trees) {
            index++;
            List<PlanTrees.Row> rows = tree;
            if (drawn + rows.size() > MAX_TREE_NODES && drawn > 0) {
                b.append("<p class=\"note\">").append(trees.trees.size() - index + 1)
                        .append(" more trees are not drawn here (").append(trees.nodeCount() - drawn)
                        .append(" images); the plan file lists every one.</p>\n");
                break;
            }
            if (rows.size() > MAX_TREE_NODES) {
                b.append("<p class=\"note\">Tree ").append(index).append(" has ").append(rows.size())
                        .append(" images; the first ").append(MAX_TREE_NODES).append(" are drawn.</p>\n");
                rows = rows.subList(0, MAX_TREE_NODES);
            }
            drawn += rows.size();
            SourceNode root = rows.get(0).node();
            long vdis = rows.stream().filter(r -> r.node().disposition() == NodeDisposition.MIGRATED).count();
            long own = rows.stream().mapToLong(r -> r.node().allocatedBytes()).sum();
            String title = "Tree " + index + " from " + StepText.short8(root.uuid());
            b.append("<div class=\"tree-card\"><div class=\"tree-head\"><span class=\"tree-title\">").append(esc(title))
                    .append("</span><span class=\"tree-facts\">").append(rows.size())
                    .append(rows.size() == 1 ? " image" : " images").append(" · ").append(vdis)
                    .append(vdis == 1 ? " VDI migrated" : " VDIs migrated").append(" · ")
                    .append(esc(Sizes.human(own))).append(" allocated</span></div>\n<div class=\"scroll\">")
                    .append(svg.render(rows, title, levels)).append("</div></div>\n");
        }
        b.append("</section>\n");
    }

    private void legend() {
        b.append("<div class=\"legend\">");
        String[][] kinds = {{"user", "VDI"}, {"snapshot", "snapshot"}, {"base", "base copy"}, {"raw", "raw VDI"},
            {"hidden", "hidden leaf"}, {"unreadable", "unreadable"}};
        for (String[] k : kinds) {
            b.append("<span class=\"lg\"><svg width=\"34\" height=\"20\" class=\"n-").append(k[0])
                    .append("\"><rect class=\"box\" x=\"1\" y=\"1\" width=\"32\" height=\"18\" rx=\"4\"/>")
                    .append("<rect class=\"stripe\" x=\"1\" y=\"1\" width=\"5\" height=\"18\" rx=\"2\"/></svg>")
                    .append(esc(k[1])).append("</span>");
        }
        String[][] edges = {{"shared", "content handed on: continues on, snapshot or clone of the parent's volume"},
            {"fresh", "fresh volume: chain flattened into it"}, {"none", "not migrated"}};
        for (String[] e : edges) {
            b.append("<span class=\"lg\"><svg width=\"34\" height=\"20\"><path class=\"edge ").append(e[0])
                    .append("\" d=\"M2 10 H32\"/></svg>").append(esc(e[1])).append("</span>");
        }
        b.append("<span class=\"lg\"><svg width=\"34\" height=\"20\"><rect class=\"bar\" x=\"2\" y=\"5\" width=\"30\" "
                + "height=\"10\" rx=\"5\"/></svg>own allocated bytes</span>");
        b.append("<span class=\"lg faded\">faded: not selected / skipped</span></div>\n");
    }

    private void risks() {
        b.append("<section id=\"risks\"><h2>Risks and what to do</h2>\n");
        if (plan.risks().isEmpty()) {
            b.append("<p class=\"lead\">None found.</p>\n");
        }
        for (Risk r : plan.risks()) {
            String sev = r.severity().label();
            b.append("<div class=\"risk r-").append(sev).append("\"><div class=\"risk-head\">")
                    .append(pill(sev, sev.toUpperCase(Locale.ROOT))).append("<code>").append(esc(r.code()))
                    .append("</code>");
            if (r.subject() != null) {
                b.append("<span class=\"subject mono\">").append(esc(r.subject())).append("</span>");
            }
            b.append("</div><p>").append(esc(r.message())).append("</p><div class=\"todo\"><b>What to do:</b> ")
                    .append(esc(r.action())).append("</div></div>\n");
        }
        b.append("</section>\n");
    }

    private void target() {
        TargetCapabilities t = plan.target();
        b.append("<section><h2>Target</h2>\n<dl class=\"facts\"><dt>Target</dt><dd>").append(esc(t.description()))
                .append("</dd><dt>Features</dt><dd>");
        for (String f : t.features()) {
            b.append("<span class=\"feat\">").append(esc(f)).append("</span>");
        }
        b.append("</dd><dt>Methods</dt><dd>").append(t.methods() == null ? "not listed (features alone decide)"
                : esc(String.join(", ", t.methods()))).append("</dd><dt>Space</dt><dd>")
                .append(t.freeSpace() == null ? "unknown" : esc(Sizes.human(t.freeSpace())) + " free")
                .append(t.totalSpace() == null ? "" : " of " + esc(Sizes.human(t.totalSpace())))
                .append("</dd><dt>Block sharing</dt><dd>").append(t.sharesBlocks() == null ? "unknown"
                        : t.sharesBlocks() ? "snapshots and clones share blocks" : "snapshots and clones copy blocks")
                .append(t.cloneFromSnapshotOnly() ? "; clones only from snapshots" : "").append("</dd></dl>\n</section>\n");
    }

    private void steps() {
        List<Step> steps = plan.steps();
        b.append("<section><h2>Steps</h2>\n<p class=\"lead\">").append(steps.size())
                .append(" steps, in order. An executor journals each by its id; a volume is named by the id of "
                        + "the step that made it.</p>\n<div class=\"scroll\"><table class=\"steps\"><thead><tr>"
                        + "<th>#</th><th>Step</th><th>Kind</th><th>What</th><th class=\"num\">Bytes</th>"
                        + "<th>After</th></tr></thead><tbody>\n");
        int n = 0;
        for (Step s : steps) {
            if (++n > MAX_STEP_ROWS) {
                b.append("<tr><td colspan=\"6\" class=\"note\">").append(steps.size() - MAX_STEP_ROWS)
                        .append(" more steps; the plan file lists every one.</td></tr>\n");
                break;
            }
            String kind = StepText.kind(s);
            b.append("<tr><td class=\"num\">").append(n).append("</td><td class=\"mono\" title=\"").append(esc(s.id()))
                    .append("\">").append(esc(StepText.shortId(s.id()))).append("</td><td><span class=\"k k-")
                    .append(kind.replace(' ', '-')).append("\">").append(esc(kind)).append("</span></td><td>")
                    .append(esc(StepText.describe(s))).append("</td><td class=\"num\">")
                    .append(s.bytes() == 0 ? "" : esc(Sizes.human(s.bytes()))).append("</td><td class=\"mono after\">")
                    .append(esc(StepText.shortId(String.join(", ", s.after())))).append("</td></tr>\n");
        }
        b.append("</tbody></table></div>\n</section>\n");
    }
}
