package org.smapimigrate.inventory;

/**
 * What a VDI is in its SR, decided from structure as SM's scan and GC see it: a base copy is the
 * parent of another image, whatever its hidden flag says.
 */
public enum VdiRole {
    /** A non-hidden leaf: a disk or snapshot XAPI shows. */
    USER("user"),
    /** Parent of at least one other image: read-only data shared by its children. */
    BASE_COPY("base-copy"),
    /** A raw VDI (file {@code <uuid>.raw} or LV {@code LV-<uuid>}) that is nobody's parent. */
    RAW("raw"),
    /** A hidden leaf: GC would delete it. */
    HIDDEN_LEAF("hidden-leaf");

    private final String label;

    VdiRole(String label) {
        this.label = label;
    }

    /** The name used in JSON and reports. */
    public String label() {
        return label;
    }
}
