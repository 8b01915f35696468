package org.smapimigrate.report;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * Text from disks and plugins made safe for a terminal. A VHD's locator, a journal's value, an
 * MGT name or a plugin's error message can hold ESC sequences (which recolour, move the cursor,
 * retitle the window or, on some terminals, answer back), carriage returns that overwrite what
 * was printed, newlines that forge whole lines, or bidirectional overrides that reorder them.
 * Each such character is shown as an escape instead: {@code \n}, {@code \r}, {@code \t} and
 * {@code \}{@code uXXXX} otherwise, which are also JSON's escapes, so a guarded JSON document
 * still decodes to the same values.
 */
public final class TerminalText {
    private TerminalText() {
    }

    /** One value (a name, a path, a message) for a line of output: every control character escaped. */
    public static String escape(String s) {
        if (s == null) {
            return "null";
        }
        if (clean(s, false)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            escapeInto(b, s.charAt(i), false);
        }
        return b.toString();
    }

    /**
     * A writer for a whole stream of output (the CLI's standard output and error): lets the
     * program's own line ends and tabs through and escapes every other control character, so
     * nothing printed anywhere, escaped at the value or not, reaches the terminal raw.
     */
    public static Writer guard(Writer out) {
        return new Guard(out);
    }

    /** True for what must not reach a terminal raw. */
    static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c < 0xa0)
                // Bidirectional marks, embeddings, overrides and isolates (Unicode UAX #9), the
                // Arabic letter mark, and the line and paragraph separators.
                || c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
    }

    /** A bidirectional control or line separator: reorders or breaks what a reader sees. */
    public static boolean unsafeFormat(char c) {
        return c >= 0x061c && unsafe(c);
    }

    private static boolean clean(String s, boolean lines) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (unsafe(c) && !(lines && (c == '\n' || c == '\t'))) {
                return false;
            }
        }
        return true;
    }

    private static void escapeInto(StringBuilder b, char c, boolean lines) {
        if (!unsafe(c) || (lines && (c == '\n' || c == '\t'))) {
            b.append(c);
        } else if (c == '\n') {
            b.append("\\n");
        } else if (c == '\r') {
            b.append("\\r");
        } else if (c == '\t') {
            b.append("\\t");
        } else {
            b.append(String.format("\\u%04x", (int) c));
        }
    }

    private static final class Guard extends FilterWriter {
        Guard(Writer out) {
            super(out);
        }

        @Override
        public void write(int c) throws IOException {
            write(String.valueOf((char) c));
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            write(new String(cbuf, off, len));
        }

        @Override
        public void write(String str, int off, int len) throws IOException {
            String s = str.substring(off, off + len);
            if (clean(s, true)) {
                out.write(s);
                return;
            }
            StringBuilder b = new StringBuilder(len + 16);
            for (int i = 0; i < s.length(); i++) {
                escapeInto(b, s.charAt(i), true);
            }
            out.write(b.toString());
        }
    }
}
