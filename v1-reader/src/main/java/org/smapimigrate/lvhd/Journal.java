package org.smapimigrate.lvhd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smapimigrate.disk.VirtualDisk;

/**
 * A journal LV of an LVHD SR ({@code journaler.py}): named {@code <type>_<id>_<value>} and tagged
 * {@code journaler}. When the value would make the device-mapper name too long, the LV is named
 * {@code <type>_<id>_1} and holds {@code "<length> <value>"} in its first bytes (always the case
 * for {@code clone} and {@code leaf}).
 *
 * @param lv            the LV name
 * @param type          {@code clone}, {@code inflate}, {@code leaf}, {@code coalesce}, {@code relink}, {@code zero}
 * @param id            usually the VDI uuid the operation was about
 * @param value         the journal value
 * @param valueInVolume true when the value was read from the LV's content
 */
public record Journal(String lv, String type, String id, String value, boolean valueInVolume) {
    private static final Pattern STORED = Pattern.compile("^(\\d{1,4}) ");

    /**
     * Parses a journal LV, reading its first sector when the name's value is {@code 1}. Returns
     * null when the name is not {@code <type>_<id>_<value>}.
     */
    public static Journal read(String lvName, VirtualDisk content) throws IOException {
        int first = lvName.indexOf('_');
        int last = lvName.lastIndexOf('_');
        if (first <= 0 || last <= first + 1 || last == lvName.length() - 1) {
            return null;
        }
        String type = lvName.substring(0, first);
        String id = lvName.substring(first + 1, last);
        String value = lvName.substring(last + 1);
        if (value.equals("1") && content != null && content.size() >= 512) {
            ByteBuffer sector = ByteBuffer.allocate(512);
            content.read(sector, 0);
            String text = new String(sector.array(), StandardCharsets.ISO_8859_1);
            Matcher m = STORED.matcher(text);
            if (m.find()) {
                int length = Integer.parseInt(m.group(1));
                int from = m.end();
                if (length > 0 && from + length <= text.length()) {
                    return new Journal(lvName, type, id, text.substring(from, from + length), true);
                }
            }
        }
        return new Journal(lvName, type, id, value, false);
    }

    /** The inventory's leftover kind: {@code journal-clone}, {@code journal-inflate}, ... */
    public String leftoverKind() {
        return "journal-" + type;
    }
}
