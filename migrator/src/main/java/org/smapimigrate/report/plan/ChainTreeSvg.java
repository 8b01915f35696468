package org.smapimigrate.report.plan;

import static org.smapimigrate.report.plan.Html.esc;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.smapimigrate.plan.NodeDisposition;
import org.smapimigrate.plan.SourceNode;
import org.smapimigrate.report.Sizes;

/**
 * One snapshot tree as inline SVG, drawn as an outline: one row per image, children indented under
 * their parent with elbow connectors, so deep chains and wide clone fans both fit. Each row shows
 * the image as a box styled by kind (VDI, snapshot, base copy, raw, hidden leaf, unreadable), a bar
 * of its allocated bytes, and what the plan does with it. Styling comes from the page's CSS.
 */
final class ChainTreeSvg {
    static final int ROW = 52;
    static final int BOX_H = 42;
    static final int BOX_W = 292;
    static final int INDENT = 30;
    static final int PAD = 14;
    static final int BAR_W = 120;
    static final int ACTION_W = 430;
    /** Room for the column titles above the first row. */
    static final int HEAD = 22;

    private final NodeActions actions;
    private final long maxAllocated;

    ChainTreeSvg(NodeActions actions, long maxAllocated) {
        this.actions = actions;
        this.maxAllocated = Math.max(1, maxAllocated);
    }

    /** The CSS class for the box of a node. */
    static String kind(SourceNode n) {
        if (!n.readable()) {
            return "unreadable";
        }
        if (n.role().equals("base-copy")) {
            return "base";
        }
        if (n.role().equals("hidden-leaf")) {
            return "hidden";
        }
        if (Boolean.TRUE.equals(n.isASnapshot()) || (n.volume() != null && n.volume().startsWith("snapshot:")
                && n.disposition() == NodeDisposition.MIGRATED)) {
            return "snapshot";
        }
        if (n.role().equals("raw")) {
            return "raw";
        }
        return "user";
    }

    static String badge(SourceNode n) {
        return switch (kind(n)) {
            case "unreadable" -> "UNREADABLE";
            case "base" -> "BASE COPY";
            case "hidden" -> "HIDDEN LEAF";
            case "snapshot" -> "SNAPSHOT";
            case "raw" -> "RAW";
            default -> "VDI";
        };
    }

    /**
     * Draws one tree. {@code levels} is the indentation the columns leave room for, the same for
     * every tree of a page so their columns line up; a deeper tree pushes its own columns further.
     */
    String render(List<PlanTrees.Row> rows, String title, int levels) {
        int maxLevel = Math.max(levels, rows.stream().mapToInt(PlanTrees.Row::level).max().orElse(0));
        int barX = PAD + maxLevel * INDENT + BOX_W + 22;
        int actX = barX + BAR_W + 82;
        int width = actX + ACTION_W;
        int top = HEAD;
        int height = top + rows.size() * ROW + PAD / 2;
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"tree\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\">\n");
        b.append("<text class=\"colhead\" x=\"").append(PAD).append("\" y=\"15\">IMAGE</text>")
                .append("<text class=\"colhead\" x=\"").append(barX).append("\" y=\"15\">OWN ALLOCATED</text>")
                .append("<text class=\"colhead\" x=\"").append(actX).append("\" y=\"15\">WHAT THE PLAN DOES</text>\n");
        Map<String, Integer> rowOf = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            rowOf.put(rows.get(i).node().uuid(), i);
        }
        // Connectors first, so boxes paint over them.
        for (int i = 0; i < rows.size(); i++) {
            SourceNode n = rows.get(i).node();
            Integer p = n.parent() == null ? null : rowOf.get(n.parent());
            if (p == null) {
                continue;
            }
            int px = x(rows.get(p).level()) + 16;
            int py = y(p) + BOX_H;
            int cy = y(i) + BOX_H / 2;
            int cx = x(rows.get(i).level());
            String cls = switch (actions.link(n)) {
                case SHARED -> "edge shared";
                case FRESH -> "edge fresh";
                default -> "edge none";
            };
            b.append("<path class=\"").append(cls).append("\" d=\"M").append(px).append(' ').append(py)
                    .append(" V").append(cy - 8).append(" Q").append(px).append(' ').append(cy).append(' ')
                    .append(px + 8).append(' ').append(cy).append(" H").append(cx).append("\"/>\n");
        }
        for (int i = 0; i < rows.size(); i++) {
            node(b, rows.get(i), y(i), barX, actX);
        }
        b.append("</svg>");
        return b.toString();
    }

    private static int x(int level) {
        return PAD + level * INDENT;
    }

    private static int y(int row) {
        return HEAD + PAD / 2 + row * ROW;
    }

    private void node(StringBuilder b, PlanTrees.Row row, int y, int barX, int actX) {
        SourceNode n = row.node();
        int x = x(row.level());
        String kind = kind(n);
        String state = n.disposition().name().toLowerCase(Locale.ROOT).replace('_', '-');
        b.append("<g class=\"node n-").append(kind).append(" d-").append(state).append("\">");
        b.append("<title>").append(esc(n.uuid())).append(" — ").append(esc(n.role())).append(", ")
                .append(esc(Sizes.human(n.virtualSize()))).append(" virtual, ")
                .append(esc(Sizes.human(n.allocatedBytes()))).append(" allocated, depth ").append(n.depth())
                .append(". ").append(esc(n.how())).append("</title>");
        b.append("<rect class=\"box\" x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"")
                .append(BOX_W).append("\" height=\"").append(BOX_H).append("\" rx=\"7\"/>");
        b.append("<rect class=\"stripe\" x=\"").append(x).append("\" y=\"").append(y)
                .append("\" width=\"6\" height=\"").append(BOX_H).append("\" rx=\"3\"/>");
        String name = n.name() == null ? "" : n.name();
        b.append("<text class=\"uuid\" x=\"").append(x + 14).append("\" y=\"").append(y + 17).append("\">")
                .append(esc(StepText.short8(n.uuid()))).append("</text>");
        if (!name.isEmpty()) {
            b.append("<text class=\"name\" x=\"").append(x + 84).append("\" y=\"").append(y + 17).append("\">")
                    .append(esc(cut(name, 25))).append("</text>");
        }
        b.append("<text class=\"meta\" x=\"").append(x + 14).append("\" y=\"").append(y + 33).append("\">")
                .append(esc(meta(n))).append("</text>");
        String badge = badge(n);
        int bw = 7 * badge.length() + 10;
        b.append("<rect class=\"badge\" x=\"").append(x + BOX_W - bw - 6).append("\" y=\"").append(y + 23)
                .append("\" width=\"").append(bw).append("\" height=\"14\" rx=\"7\"/>");
        b.append("<text class=\"badge-text\" x=\"").append(x + BOX_W - 6 - bw / 2).append("\" y=\"").append(y + 33)
                .append("\" text-anchor=\"middle\">").append(esc(badge)).append("</text>");
        // Allocation bar: this image's own allocated bytes against the largest image of the SR.
        long alloc = n.allocatedBytes();
        int w = alloc <= 0 ? 0 : (int) Math.max(3, Math.round((double) alloc / maxAllocated * BAR_W));
        b.append("<rect class=\"bar-bg\" x=\"").append(barX).append("\" y=\"").append(y + 15).append("\" width=\"")
                .append(BAR_W).append("\" height=\"10\" rx=\"5\"/>");
        if (w > 0) {
            b.append("<rect class=\"bar\" x=\"").append(barX).append("\" y=\"").append(y + 15).append("\" width=\"")
                    .append(w).append("\" height=\"10\" rx=\"5\"/>");
        }
        b.append("<text class=\"alloc\" x=\"").append(barX + BAR_W + 8).append("\" y=\"").append(y + 24).append("\">")
                .append(esc(Sizes.human(alloc))).append("</text>");
        List<String> lines = lines(actions.label(n), 62);
        int ly = lines.size() == 1 ? y + 24 : y + 17;
        b.append("<text class=\"action a-").append(state).append("\" x=\"").append(actX).append("\" y=\"")
                .append(ly).append("\">").append(esc(lines.get(0))).append("</text>");
        if (lines.size() > 1) {
            b.append("<text class=\"action a-").append(state).append("\" x=\"").append(actX).append("\" y=\"")
                    .append(ly + 16).append("\">").append(esc(lines.get(1))).append("</text>");
        }
        b.append("</g>\n");
    }

    /** The second line of a box: role, size, depth, and what is unusual about it. */
    static String meta(SourceNode n) {
        StringBuilder m = new StringBuilder();
        m.append("raw".equals(n.format()) && !"raw".equals(n.role()) ? "raw " : "").append(n.role()).append(" · ")
                .append(Sizes.human(n.virtualSize()));
        if (n.depth() > 1) {
            m.append(" · depth ").append(n.depth());
        }
        if ("base-copy".equals(n.role()) && !n.hidden()) {
            m.append(" · not hidden");
        }
        return m.toString();
    }

    /** Up to two lines, broken at " · " (or a space) when the text is longer than {@code max}. */
    static List<String> lines(String s, int max) {
        if (s.length() <= max) {
            return List.of(s);
        }
        int cut = s.lastIndexOf(" · ", max);
        int skip = 3;
        if (cut <= 0) {
            cut = s.lastIndexOf(' ', max);
            skip = 1;
        }
        if (cut <= 0) {
            return List.of(cut(s, max));
        }
        return List.of(s.substring(0, cut), cut(s.substring(cut + skip), max));
    }

    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
