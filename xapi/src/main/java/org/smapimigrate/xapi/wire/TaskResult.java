package org.smapimigrate.xapi.wire;

/**
 * A task's {@code result} field. XAPI stores it as an XML-RPC fragment even over JSON-RPC, e.g.
 * {@code <value>OpaqueRef:...</value>} (xen-api taskHelper.ml set_result_on_task uses
 * Xmlrpc.to_string; xapi-integration.md section 1 "Async calls and tasks"): strip the
 * {@code <value>} wrapper (and a {@code <string>} one, which other writers add) and XML-unescape.
 * Text without a wrapper is returned as it is.
 */
public final class TaskResult {
    private TaskResult() {
    }

    public static String unwrap(String result) {
        if (result == null) {
            return "";
        }
        String s = result.strip();
        s = strip(s, "value");
        s = strip(s, "string");
        return unescape(s);
    }

    private static String strip(String s, String tag) {
        String open = "<" + tag + ">";
        String close = "</" + tag + ">";
        if (s.startsWith(open) && s.endsWith(close)) {
            return s.substring(open.length(), s.length() - close.length());
        }
        if (s.equals("<" + tag + "/>")) {
            return "";
        }
        return s;
    }

    static String unescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int semi = c == '&' ? s.indexOf(';', i) : -1;
            if (semi < 0 || semi - i > 10) {
                b.append(c);
                i++;
                continue;
            }
            String ent = s.substring(i + 1, semi);
            String rep = switch (ent) {
                case "lt" -> "<";
                case "gt" -> ">";
                case "amp" -> "&";
                case "quot" -> "\"";
                case "apos" -> "'";
                default -> numeric(ent);
            };
            if (rep == null) {
                b.append(c);
                i++;
            } else {
                b.append(rep);
                i = semi + 1;
            }
        }
        return b.toString();
    }

    private static String numeric(String ent) {
        try {
            if (ent.startsWith("#x") || ent.startsWith("#X")) {
                return new String(Character.toChars(Integer.parseInt(ent.substring(2), 16)));
            }
            if (ent.startsWith("#")) {
                return new String(Character.toChars(Integer.parseInt(ent.substring(1))));
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }
}
