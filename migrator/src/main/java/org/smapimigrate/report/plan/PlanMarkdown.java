package org.smapimigrate.report.plan;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import org.smapimigrate.plan.NodeDisposition;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.Risk;
import org.smapimigrate.plan.SourceNode;
import org.smapimigrate.plan.Step;
import org.smapimigrate.plan.Strategy;
import org.smapimigrate.plan.StrategyFigures;
import org.smapimigrate.plan.TargetCapabilities;
import org.smapimigrate.plan.Totals;
import org.smapimigrate.report.MarkdownText;
import org.smapimigrate.report.Sizes;

/** The plan as Markdown, with the same sections as the HTML page; trees as indented text. */
public final class PlanMarkdown {
    private final Plan plan;
    private final StringBuilder b = new StringBuilder(32 * 1024);

    private PlanMarkdown(Plan plan) {
        this.plan = plan;
    }

    public static String render(Plan plan) {
        return new PlanMarkdown(plan).document();
    }

    public static void write(Plan plan, Writer out) throws IOException {
        out.write(render(plan));
        out.flush();
    }

    private String document() {
        String sr = plan.source().uuid() == null ? plan.source().path() : plan.source().uuid();
        Totals t = plan.totals();
        b.append("# Migration plan: SR ").append(MarkdownText.code(sr)).append("\n\n")
                .append(text(plan.source().type())).append(" SR")
                .append(plan.source().nameLabel() == null ? "" : " \"" + text(plan.source().nameLabel()) + "\"")
                .append(" at ").append(MarkdownText.code(plan.source().path())).append(" → ")
                .append(text(plan.target().description()))
                .append("\n\n**").append(plan.strategy() == Strategy.PRESERVE ? "Snapshot trees kept" : "Every VDI flattened")
                .append(".** ").append(text(plan.strategyReason())).append("\n\n## Summary\n\n")
                .append("| | |\n|---|---|\n")
                .append("| VDIs to migrate | ").append(t.vdisMigrated()).append(" of ").append(t.vdisSelected())
                .append(" selected").append(t.vdisSkipped() > 0 ? ", **" + t.vdisSkipped() + " left out**" : "")
                .append("; ").append(t.volumes()).append(" volumes")
                .append(t.carriers() > 0 ? " (" + t.carriers() + " carriers)" : "").append("; ")
                .append(Sizes.human(t.virtualBytes())).append(" virtual |\n")
                .append("| Data to copy | ").append(t.bytesToCopyUpperBound() ? "≤ " : "").append(Sizes.human(t.bytesToCopy()))
                .append(" |\n| Target space | ").append(Sizes.human(t.targetSpaceNeeded())).append(" (")
                .append(cell(t.targetSpaceBasis())).append(")")
                .append(plan.target().freeSpace() == null ? "; target free space unknown"
                        : "; target has " + Sizes.human(plan.target().freeSpace()) + " free")
                .append(" |\n| Estimated time | ").append(Durations.human(t.estimatedSeconds())).append(": copy ")
                .append(Sizes.human(t.bytesToCopy())).append(" + verify ").append(Sizes.human(t.bytesToVerify()))
                .append(" at ").append(Sizes.rate(plan.throughput().bytesPerSecond())).append(" (")
                .append(cell(plan.throughput().basis())).append(") |\n")
                .append("| Risks | ").append(count("error")).append(" errors, ").append(count("warning"))
                .append(" warnings, ").append(count("info")).append(" notes |\n\n");
        b.append(LiveSection.markdown(plan));
        strategies();
        trees();
        risks();
        target();
        steps();
        b.append("---\nPlan format ").append(MarkdownText.code(plan.format())).append(". Figures are allocated bytes in whole VHD "
                + "blocks; the data moved can be less.\n");
        return b.toString();
    }

    private long count(String sev) {
        return plan.risks().stream().filter(r -> r.severity().label().equals(sev)).count();
    }

    private void strategies() {
        StrategyFigures p = plan.totals().preserve();
        StrategyFigures f = plan.totals().flatten();
        boolean preserve = plan.strategy() == Strategy.PRESERVE;
        b.append("## Strategies compared\n\n| | Keep snapshot trees").append(preserve ? " (chosen)" : "")
                .append(p.available() ? "" : " (target cannot)").append(" | Flatten every VDI")
                .append(preserve ? "" : " (chosen)").append(" |\n|---|---:|---:|\n")
                .append("| Data to copy | ").append(bound(p.bytesToCopy(), p.bytesUpperBound())).append(" | ")
                .append(bound(f.bytesToCopy(), f.bytesUpperBound())).append(" |\n")
                .append("| Target space, snapshots share blocks | ").append(Sizes.human(p.targetSpaceSharing()))
                .append(" | ").append(bound(f.targetSpaceSharing(), f.bytesUpperBound())).append(" |\n")
                .append("| Target space, snapshots copy blocks (upper bound) | ")
                .append(bound(p.targetSpaceWithoutSharing(), true)).append(" | ")
                .append(bound(f.targetSpaceWithoutSharing(), true)).append(" |\n")
                .append("| Volumes | ").append(p.volumes()).append(" | ").append(f.volumes()).append(" |\n")
                .append("| Estimated time (copy + verify) | ").append(Durations.human(p.estimatedSeconds())).append(" | ")
                .append(Durations.human(f.estimatedSeconds())).append(" |\n\n");
    }

    private static String bound(long v, boolean upper) {
        return (upper ? "≤ " : "") + Sizes.human(v);
    }

    private void trees() {
        PlanTrees trees = new PlanTrees(plan);
        NodeActions actions = new NodeActions(plan);
        b.append("## Snapshot trees\n\nEach image from its root. Kinds: `VDI`, `SNAPSHOT`, `BASE COPY`, `RAW`, "
                + "`HIDDEN LEAF`, `UNREADABLE`; sizes are virtual / own allocated; after `→` what the plan does.\n\n");
        int drawn = 0;
        int index = 0;
        for (List<PlanTrees.Row> rows : trees.trees) {
            index++;
            if (drawn + rows.size() > PlanHtml.MAX_TREE_NODES && drawn > 0) {
                b.append("_").append(trees.trees.size() - index + 1).append(" more trees not shown; the plan file "
                        + "lists every image._\n\n");
                break;
            }
            drawn += rows.size();
            long vdis = rows.stream().filter(r -> r.node().disposition() == NodeDisposition.MIGRATED).count();
            b.append("Tree ").append(index).append(" (").append(rows.size()).append(rows.size() == 1 ? " image, " : " images, ")
                    .append(vdis).append(vdis == 1 ? " VDI migrated" : " VDIs migrated").append("):\n\n");
            StringBuilder tree = new StringBuilder();
            for (PlanTrees.Row r : rows) {
                StringBuilder prefix = new StringBuilder();
                for (boolean open : r.openAncestors()) {
                    prefix.append(open ? "│  " : "   ");
                }
                if (r.level() > 0) {
                    prefix.append(r.lastChild() ? "└─ " : "├─ ");
                }
                SourceNode n = r.node();
                // Names and uuids come from the disk: one line each, and the fence outgrows their backticks.
                tree.append(prefix).append(MarkdownText.inCodeBlock(StepText.short8(n.uuid()))).append("  ")
                        .append(ChainTreeSvg.badge(n)).append("  ").append(Sizes.human(n.virtualSize())).append(" / ")
                        .append(Sizes.human(n.allocatedBytes()))
                        .append(n.name() == null ? "" : "  \"" + MarkdownText.inCodeBlock(n.name()) + "\"")
                        .append("  → ").append(MarkdownText.inCodeBlock(actions.label(n))).append('\n');
            }
            String fence = MarkdownText.fenceFor(tree.toString());
            b.append(fence).append("text\n").append(tree).append(fence).append("\n\n");
        }
    }

    private void risks() {
        b.append("## Risks and what to do\n\n");
        if (plan.risks().isEmpty()) {
            b.append("None found.\n\n");
        }
        for (Risk r : plan.risks()) {
            b.append("- **").append(r.severity().label().toUpperCase(Locale.ROOT)).append("** ")
                    .append(MarkdownText.code(r.code()))
                    .append(r.subject() == null ? "" : " " + MarkdownText.code(r.subject())).append(": ")
                    .append(text(r.message())).append("  \n  *What to do:* ").append(text(r.action())).append('\n');
        }
        b.append('\n');
    }

    private void target() {
        TargetCapabilities t = plan.target();
        b.append("## Target\n\n- Target: ").append(text(t.description())).append("\n- Features: ")
                .append(t.features().isEmpty() ? "none"
                        : String.join(", ", t.features().stream().map(MarkdownText::code).toList()))
                .append("\n- Methods: ").append(t.methods() == null ? "not listed (features alone decide)"
                        : text(String.join(", ", t.methods())))
                .append("\n- Space: ").append(t.freeSpace() == null ? "unknown" : Sizes.human(t.freeSpace()) + " free")
                .append(t.totalSpace() == null ? "" : " of " + Sizes.human(t.totalSpace()))
                .append("\n- Block sharing: ").append(t.sharesBlocks() == null ? "unknown" : t.sharesBlocks()
                        ? "snapshots and clones share blocks" : "snapshots and clones copy blocks")
                .append(t.cloneFromSnapshotOnly() ? "; clones only from snapshots" : "").append("\n\n");
    }

    private void steps() {
        List<Step> steps = plan.steps();
        b.append("## Steps\n\n").append(steps.size()).append(" steps, in order; a volume is named by the id of the "
                + "step that made it.\n\n| # | Step | Kind | What | Bytes | After |\n|---:|---|---|---|---:|---|\n");
        int n = 0;
        for (Step s : steps) {
            if (++n > PlanHtml.MAX_STEP_ROWS) {
                b.append("\n_").append(steps.size() - PlanHtml.MAX_STEP_ROWS)
                        .append(" more steps; the plan file lists every one._\n");
                break;
            }
            b.append("| ").append(n).append(" | ").append(MarkdownText.codeInCell(StepText.shortId(s.id()))).append(" | ")
                    .append(StepText.kind(s)).append(" | ").append(cell(StepText.describe(s))).append(" | ")
                    .append(s.bytes() == 0 ? "" : Sizes.human(s.bytes())).append(" | ")
                    .append(cell(StepText.shortId(String.join(", ", s.after())))).append(" |\n");
        }
        b.append('\n');
    }

    /** Text in a table cell: pipes would end the cell, newlines the row (escaped by {@link MarkdownText}). */
    private static String cell(String s) {
        return MarkdownText.text(s);
    }

    /** Running text: no raw HTML, emphasis or link from names or messages, one line. */
    private static String text(String s) {
        return MarkdownText.text(s);
    }
}
