package org.smapimigrate.xapi;

/**
 * Text from the network made safe for a one-line message: control characters (newlines, ESC
 * sequences) shown as escapes and long values cut; {@link #quoted} also escapes quotes and
 * backslashes, for values shown between quotes. XAPI error parameters carry free text and plugin
 * stderr; they must not break a log line or drive a terminal.
 */
public final class OneLine {
    private OneLine() {
    }

    /** {@code s} between double quotes, with quotes and backslashes escaped too. */
    public static String quoted(String s, int limit) {
        return "\"" + escape(s, limit, true) + "\"";
    }

    public static String of(String s, int limit) {
        return escape(s, limit, false);
    }

    private static String escape(String s, int limit, boolean quotes) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), limit) + 8);
        for (int i = 0; i < s.length() && b.length() < limit; i++) {
            char c = s.charAt(i);
            if (quotes && (c == '"' || c == '\\')) {
                b.append('\\').append(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (b.length() >= limit && s.length() > limit) {
            b.append("...");
        }
        return b.toString();
    }
}
