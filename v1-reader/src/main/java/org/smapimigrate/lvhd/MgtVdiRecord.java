package org.smapimigrate.lvhd;

import java.util.Map;

/**
 * One 1024-byte VDI slot of the {@code MGT} volume ({@code srmetadata.py}): the tags between
 * {@code <vdi>} and {@code </vdi>}, XML-unescaped, whatever their order; unknown tags are kept.
 *
 * @param offset        byte offset of the slot in MGT (2048, 3072, ...)
 * @param withinLength  false for a slot past the length in the MGT header: SM shrank the length
 *                      when it deleted the last slot, and the bytes stayed
 * @param fields        tag to text ({@code name_label}, {@code uuid}, {@code is_a_snapshot}, ...)
 * @param problem       why the slot could not be parsed, or null
 */
public record MgtVdiRecord(long offset, boolean withinLength, Map<String, String> fields, String problem) {
    public MgtVdiRecord {
        fields = Map.copyOf(fields);
    }

    public String field(String tag) {
        return fields.get(tag);
    }

    public String uuid() {
        return fields.get("uuid");
    }

    public String nameLabel() {
        return fields.get("name_label");
    }

    public String nameDescription() {
        return fields.get("name_description");
    }

    /** {@code <deleted>1</deleted>}: the slot is free for reuse. */
    public boolean deleted() {
        return flag("deleted");
    }

    /** A slot SM would read: inside the header length, parsed, not deleted. */
    public boolean live() {
        return withinLength && problem == null && !deleted() && uuid() != null;
    }

    public boolean isASnapshot() {
        return flag("is_a_snapshot");
    }

    /** The uuid of the VDI this one is a snapshot of, or null. */
    public String snapshotOf() {
        return emptyToNull(fields.get("snapshot_of"));
    }

    /** XAPI's snapshot time ({@code 20260312T08:30:00Z}), or null. */
    public String snapshotTime() {
        return emptyToNull(fields.get("snapshot_time"));
    }

    /** {@code managed=0} marks a base copy XAPI does not show. */
    public boolean managed() {
        return !"0".equals(fields.get("managed"));
    }

    public boolean readOnly() {
        return flag("read_only");
    }

    /** {@code vhd} or {@code aio} (raw). */
    public String vdiType() {
        return fields.get("vdi_type");
    }

    private boolean flag(String tag) {
        String v = fields.get(tag);
        return "1".equals(v) || "true".equalsIgnoreCase(v);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
