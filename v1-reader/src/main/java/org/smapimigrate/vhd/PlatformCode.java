package org.smapimigrate.vhd;

/**
 * Parent locator platform codes (spec "Dynamic Disk Header Format", Parent Locator Entries;
 * blktap {@code PLAT_CODE_*}).
 */
public enum PlatformCode {
    /** Deprecated Windows relative path, ANSI. */
    WI2R(0x57693272, "Wi2r"),
    /** Deprecated Windows absolute path, ANSI. */
    WI2K(0x5769326B, "Wi2k"),
    /** Windows relative path, UTF-16LE (blktap writes {@code .\<parent>}). */
    W2RU(0x57327275, "W2ru"),
    /** Windows absolute path, UTF-16LE (blktap writes a relative path here too). */
    W2KU(0x57326B75, "W2ku"),
    /** Mac OS alias blob: not a path, cannot be followed. */
    MAC(0x4D616320, "Mac "),
    /** Mac OS X file URL, UTF-8 ({@code file://./<parent>}). */
    MACX(0x4D616358, "MacX");

    private final int code;
    private final String label;

    PlatformCode(int code, String label) {
        this.code = code;
        this.label = label;
    }

    public int code() {
        return code;
    }

    public String label() {
        return label;
    }

    /** The platform for a code, or null for 0 (no locator) and unknown codes. */
    public static PlatformCode of(int code) {
        for (PlatformCode p : values()) {
            if (p.code == code) {
                return p;
            }
        }
        return null;
    }
}
