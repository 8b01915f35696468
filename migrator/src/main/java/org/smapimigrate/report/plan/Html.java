package org.smapimigrate.report.plan;

import org.smapimigrate.report.TerminalText;

/**
 * Escaping for text and attribute values (quoted) in HTML and inline SVG: names from disks and
 * plugins never become markup (HTML Living Standard 13.1.2.6 and 13.1.4: {@code <}, {@code &}
 * and quotes escaped; control characters, which HTML text may not hold, become spaces).
 */
public final class Html {
    private Html() {
    }

    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c < 0xa0)) {
                        b.append(' '); // control characters are not allowed in HTML text
                    } else if (c >= 0x200e && TerminalText.unsafeFormat(c)) {
                        // A bidirectional override would reorder what follows it: shown, not obeyed.
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
