package org.smapimigrate.cli;

/**
 * Text from disks, plugins or the network made safe for one terminal line: control characters
 * (ESC sequences that could move the cursor or retitle the window, CR that overwrites the line,
 * newlines that forge further lines) are shown as escapes, never sent raw.
 */
final class TerminalSafe {
    private TerminalSafe() {
    }

    static String line(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029';
            if (control && b == null) {
                b = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (b != null) {
                if (control) {
                    b.append(c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : String.format("\\x%02x", (int) c));
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }
}
