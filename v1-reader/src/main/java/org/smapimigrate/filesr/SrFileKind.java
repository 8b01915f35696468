package org.smapimigrate.filesr;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a file in a file-SR directory is, from its name (doc part A, "Files in the SR directory";
 * SM {@code FileSR._loadvdis}, {@code cleanup.FileSR}, {@code fjournaler}).
 */
enum SrFileKind {
    /** {@code <vdi-uuid>.vhd}. */
    VHD_VDI,
    /** {@code <vdi-uuid>.raw}. */
    RAW_VDI,
    /** {@code OLD_<uuid>.vhd}: leaf-coalesce leftover. */
    OLD_LEAF,
    /** {@code <uuid>.vhd.new}: snapshot temp file. */
    SNAPSHOT_TEMP,
    /** {@code leaf_<uuid>}, {@code coalesce_<uuid>}, {@code relink_<uuid>}: GC journals. */
    GC_JOURNAL,
    /** {@code .journal-<uuid>} or a bare {@code <uuid>}: maybe a {@code vhd-util resize} journal. */
    RESIZE_JOURNAL_CANDIDATE,
    /** {@code <uuid>.cbtlog}. */
    CBT_LOG,
    /** {@code <uuid>.vhdcache}: IntelliCache. */
    INTELLICACHE,
    /** {@code filelog.txt}, {@code sm-hardlink.conf}. */
    SM_METADATA,
    OTHER;

    private static final String UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    private static final Pattern JOURNAL = Pattern.compile("(leaf|coalesce|relink)_(.+)");
    private static final Pattern RESIZE = Pattern.compile("(?:\\.journal-)?(" + UUID + ")");

    static SrFileKind of(String name) {
        if (name.startsWith("OLD_") && name.endsWith(".vhd") && name.length() > 8) {
            return OLD_LEAF;
        }
        if (name.endsWith(".vhd.new") && name.length() > 8) {
            return SNAPSHOT_TEMP;
        }
        if (name.endsWith(".vhd") && name.length() > 4) {
            return VHD_VDI;
        }
        if (name.endsWith(".raw") && name.length() > 4) {
            return RAW_VDI;
        }
        if (name.endsWith(".cbtlog")) {
            return CBT_LOG;
        }
        if (name.endsWith(".vhdcache")) {
            return INTELLICACHE;
        }
        if (name.equals("filelog.txt") || name.equals("sm-hardlink.conf")) {
            return SM_METADATA;
        }
        if (JOURNAL.matcher(name).matches()) {
            return GC_JOURNAL;
        }
        if (RESIZE.matcher(name).matches()) {
            return RESIZE_JOURNAL_CANDIDATE;
        }
        return OTHER;
    }

    /** The VDI uuid a file name refers to. */
    static String uuidOf(String name) {
        return switch (of(name)) {
            case VHD_VDI -> name.substring(0, name.length() - 4);
            case RAW_VDI -> name.substring(0, name.length() - 4);
            case OLD_LEAF -> name.substring(4, name.length() - 4);
            case SNAPSHOT_TEMP -> name.substring(0, name.length() - 8);
            case GC_JOURNAL -> {
                Matcher m = JOURNAL.matcher(name);
                m.matches();
                yield m.group(2);
            }
            case RESIZE_JOURNAL_CANDIDATE -> {
                Matcher m = RESIZE.matcher(name);
                m.matches();
                yield m.group(1);
            }
            case CBT_LOG -> name.substring(0, name.length() - ".cbtlog".length());
            case INTELLICACHE -> name.substring(0, name.length() - ".vhdcache".length());
            default -> null;
        };
    }

    /** For GC journals: {@code leaf}, {@code coalesce} or {@code relink}. */
    static String journalType(String name) {
        Matcher m = JOURNAL.matcher(name);
        return m.matches() ? m.group(1) : null;
    }
}
