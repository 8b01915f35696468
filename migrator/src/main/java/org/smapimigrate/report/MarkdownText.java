package org.smapimigrate.report;

/**
 * Text from disks and plugins made inert in a Markdown document (CommonMark with GitHub's
 * tables): no raw HTML, no emphasis, link, code span or table cell a name did not ask for, and
 * one line per value. Control characters are escaped as {@link TerminalText} shows them; ASCII
 * punctuation that means something to Markdown is backslash-escaped (CommonMark 0.31 section
 * 2.4: any ASCII punctuation may be); code spans and fences are made longer than any run of
 * backticks they hold (sections 6.1 and 4.5).
 */
public final class MarkdownText {
    /** Punctuation with a meaning inline or in a table row. */
    private static final String SPECIAL = "\\`*_[]<>&|~!#";

    private MarkdownText() {
    }

    /** Running text, also safe inside a table cell. */
    public static String text(String s) {
        if (s == null) {
            return "";
        }
        String t = TerminalText.escape(s);
        StringBuilder b = new StringBuilder(t.length() + 16);
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (SPECIAL.indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** A code span; inside a table cell use {@link #codeInCell}. */
    public static String code(String s) {
        String t = TerminalText.escape(s == null ? "" : s);
        String fence = "`".repeat(longestRun(t) + 1);
        boolean pad = t.startsWith("`") || t.endsWith("`") || t.isBlank();
        return fence + (pad ? " " : "") + t + (pad ? " " : "") + fence;
    }

    /** A code span in a table cell: a pipe would end the cell even there (GFM tables, 4.10). */
    public static String codeInCell(String s) {
        return code(s).replace("|", "\\|");
    }

    /** Opening and closing line of a fenced code block safe for {@code content}. */
    public static String fenceFor(String content) {
        return "`".repeat(Math.max(3, longestRun(content) + 1));
    }

    /** One line inside a fenced code block: no line break, no control character. */
    public static String inCodeBlock(String s) {
        return TerminalText.escape(s == null ? "" : s);
    }

    private static int longestRun(String s) {
        int best = 0;
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            run = s.charAt(i) == '`' ? run + 1 : 0;
            best = Math.max(best, run);
        }
        return best;
    }
}
