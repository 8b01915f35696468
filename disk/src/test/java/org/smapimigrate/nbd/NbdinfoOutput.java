package org.smapimigrate.nbd;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what libnbd's nbdinfo prints: {@code --map} lines and {@code --json} fields. */
final class NbdinfoOutput {
    private NbdinfoOutput() {
    }

    /** {@code nbdinfo --map}: "offset length type description" lines, adjacent equal types merged. */
    static List<BlockStatusExtent> map(String stdout) {
        List<BlockStatusExtent> out = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            String t = line.trim();
            if (t.isEmpty()) {
                continue;
            }
            String[] f = t.split("\\s+");
            BlockStatusExtent e = new BlockStatusExtent(Long.parseLong(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2]));
            merge(out, e);
        }
        return out;
    }

    static void merge(List<BlockStatusExtent> out, BlockStatusExtent e) {
        int last = out.size() - 1;
        if (last >= 0 && out.get(last).flags() == e.flags() && out.get(last).end() == e.offset()) {
            out.set(last, new BlockStatusExtent(out.get(last).offset(), out.get(last).length() + e.length(), e.flags()));
        } else {
            out.add(e);
        }
    }

    /** A number or boolean field of {@code nbdinfo --json}. */
    static String jsonField(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*([^,\\s}]+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("nbdinfo --json has no field " + name + ":\n" + json);
        }
        return m.group(1);
    }
}
