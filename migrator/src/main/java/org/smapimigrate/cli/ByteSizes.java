package org.smapimigrate.cli;

import java.util.Locale;

/** Parses sizes such as 512, 64K, 500M, 4G, 2T (binary units) given on the command line. */
final class ByteSizes {
    private ByteSizes() {
    }

    static long parse(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
        if (t.isEmpty()) {
            throw new UserError("not a size: '" + s + "'");
        }
        int shift = switch (t.charAt(t.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        String digits = shift == 0 ? t : t.substring(0, t.length() - 1);
        try {
            long v = Long.parseLong(digits);
            if (v < 0 || (shift > 0 && v > (Long.MAX_VALUE >> shift))) {
                throw new NumberFormatException();
            }
            return v << shift;
        } catch (NumberFormatException e) {
            throw new UserError("not a size: '" + s + "' (use e.g. 512, 64K, 500M, 4G)");
        }
    }
}
