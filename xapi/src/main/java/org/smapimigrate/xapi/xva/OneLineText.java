package org.smapimigrate.xapi.xva;

/**
 * Text from an archive made fit for a one-line message: control characters and non-ASCII shown as
 * {@code \\uXXXX}, cut at 80 characters. The CLI escapes again for its terminal; this keeps one
 * error one line even in a log.
 */
final class OneLineText {
    private static final int MAX = 80;

    private OneLineText() {
    }

    static String of(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < MAX; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return s.length() > MAX ? b + "..." : b.toString();
    }
}
