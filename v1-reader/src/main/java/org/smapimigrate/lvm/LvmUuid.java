package org.smapimigrate.lvm;

/**
 * LVM2 identifiers (lvm2 {@code lib/id/id.c}): 32 characters from {@code 0-9a-zA-Z!#}, stored
 * bare in the PV label and printed in groups of 6-4-4-4-4-4-6 joined by dashes in the metadata
 * text and by the tools.
 */
public final class LvmUuid {
    public static final int LENGTH = 32;
    private static final int[] GROUPS = {6, 4, 4, 4, 4, 4, 6};

    private LvmUuid() {
    }

    /** True when {@code bare} is 32 characters of the LVM id alphabet. */
    public static boolean isValidBare(String bare) {
        if (bare.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = bare.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || c == '!' || c == '#';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The dashed 38-character form of a 32-character id. */
    public static String dashed(String bare) {
        if (bare.length() != LENGTH) {
            throw new IllegalArgumentException("an LVM id has 32 characters: " + bare);
        }
        StringBuilder b = new StringBuilder(LENGTH + GROUPS.length - 1);
        int pos = 0;
        for (int g = 0; g < GROUPS.length; g++) {
            if (g > 0) {
                b.append('-');
            }
            b.append(bare, pos, pos + GROUPS[g]);
            pos += GROUPS[g];
        }
        return b.toString();
    }

    /** The bare form of an id written with or without dashes. */
    public static String bare(String id) {
        return id.replace("-", "");
    }
}
