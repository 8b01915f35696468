package org.smapimigrate.lvhd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.disk.VirtualDisk;

/**
 * The {@code MGT} volume of an LVHD SR (smapiv1-layout part D; sm {@code srmetadata.py},
 * {@code metadata.py}): 512-byte sectors padded with spaces. Sector 0 is
 * {@code XSSM:<length>:<major>:<minor>}, sectors 1-3 describe the SR, and 1024-byte VDI slots
 * follow from byte 2048 up to {@code length}.
 *
 * @param length  bytes in use, from the header
 * @param sr      the SR's own record
 * @param slots   every slot inside the length, then any slot-shaped leftovers past it
 */
public record SrMetadataVolume(long length, int major, int minor, SrRecord sr, List<MgtVdiRecord> slots) {

    /** Sectors 1-3: the SR uuid, allocation and names. */
    public record SrRecord(String uuid, String allocation, String nameLabel, String nameDescription) {
    }

    public static final int SECTOR = 512;
    public static final int FIRST_SLOT = 2048;
    public static final int SLOT_SIZE = 1024;
    private static final Pattern HEADER = Pattern.compile("^XSSM:(\\d{1,10}) *:(\\d{1,6}):(\\d{1,6})");
    private static final Pattern TAG = Pattern.compile(
            "<([A-Za-z_][\\w.-]*)\\s*>(.*?)</\\1\\s*>|<([A-Za-z_][\\w.-]*)\\s*/>", Pattern.DOTALL);

    public SrMetadataVolume {
        slots = List.copyOf(slots);
    }

    /** Live slots (inside the length, not deleted) by VDI uuid; a later slot wins, as in SM's dict. */
    public Map<String, MgtVdiRecord> liveByUuid() {
        Map<String, MgtVdiRecord> out = new LinkedHashMap<>();
        for (MgtVdiRecord r : slots) {
            if (r.live()) {
                out.put(r.uuid(), r);
            }
        }
        return out;
    }

    /**
     * Reads MGT from {@code volume}.
     *
     * @throws ImageDefectException {@code mgt-invalid} when sector 0 is not an XSSM header or the
     *         length does not fit the volume
     */
    public static SrMetadataVolume read(VirtualDisk volume, String name) throws IOException {
        if (volume.size() < FIRST_SLOT) {
            throw new ImageDefectException("mgt-invalid", name, -1, "the MGT volume has only " + volume.size()
                    + " bytes");
        }
        String head = sectors(volume, 0, 1);
        Matcher m = HEADER.matcher(head);
        if (!m.find()) {
            throw new ImageDefectException("mgt-invalid", name, 0, "sector 0 is not an XSSM header: '"
                    + head.strip().substring(0, Math.min(40, head.strip().length())) + "'");
        }
        long length = Long.parseLong(m.group(1));
        if (length < FIRST_SLOT || length > volume.size()) {
            throw new ImageDefectException("mgt-invalid", name, 5, "the XSSM header says " + length
                    + " bytes are in use; the volume has " + volume.size() + " and the SR record 2048");
        }
        Map<String, String> srFields = fields(sectors(volume, 1, 3).replaceFirst("<\\?xml[^>]*\\?>", ""));
        SrRecord sr = new SrRecord(srFields.get("uuid"), srFields.get("allocation"), srFields.get("name_label"),
                srFields.get("name_description"));
        List<MgtVdiRecord> slots = new ArrayList<>();
        long at = FIRST_SLOT;
        for (; at + SLOT_SIZE <= length; at += SLOT_SIZE) {
            slots.add(slot(volume, at, true));
        }
        // Past the length, SM leaves the bytes of slots it dropped: report them, never use them.
        for (; at + SLOT_SIZE <= volume.size(); at += SLOT_SIZE) {
            MgtVdiRecord stale = slot(volume, at, false);
            if (stale.problem() != null) {
                break;
            }
            slots.add(stale);
        }
        return new SrMetadataVolume(length, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), sr, slots);
    }

    private static MgtVdiRecord slot(VirtualDisk volume, long at, boolean within) throws IOException {
        String text = sectors(volume, at / SECTOR, 2);
        int open = text.indexOf("<vdi>");
        int close = text.indexOf("</vdi>");
        if (open < 0 || close < open) {
            return new MgtVdiRecord(at, within, Map.of(), "no <vdi>...</vdi> element in the slot");
        }
        return new MgtVdiRecord(at, within, fields(text.substring(open + 5, close)), null);
    }

    /** {@code count} sectors from {@code first}, NULs dropped as SM does. */
    private static String sectors(VirtualDisk volume, long first, int count) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(count * SECTOR);
        volume.read(b, first * SECTOR);
        return new String(b.array(), StandardCharsets.UTF_8).replace("\0", "");
    }

    /** The flat {@code <tag>text</tag>} and {@code <tag/>} elements of {@code xml}, unescaped. */
    static Map<String, String> fields(String xml) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = TAG.matcher(xml);
        while (m.find()) {
            if (m.group(1) != null) {
                out.put(m.group(1), unescape(m.group(2)));
            } else {
                out.put(m.group(3), "");
            }
        }
        return out;
    }

    /** XML character references and the five predefined entities. */
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
            String entity = s.substring(i + 1, semi);
            String replacement = switch (entity) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                default -> numericReference(entity);
            };
            if (replacement == null) {
                b.append(c);
                i++;
            } else {
                b.append(replacement);
                i = semi + 1;
            }
        }
        return b.toString();
    }

    private static String numericReference(String entity) {
        try {
            if (entity.startsWith("#x") || entity.startsWith("#X")) {
                return Character.toString(Integer.parseInt(entity.substring(2), 16));
            }
            if (entity.startsWith("#")) {
                return Character.toString(Integer.parseInt(entity.substring(1)));
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }
}
