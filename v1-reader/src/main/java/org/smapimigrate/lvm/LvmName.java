package org.smapimigrate.lvm;

/**
 * The names LVM itself lets a VG or LV have (lvm2 {@code lib/misc/lvm-string.c},
 * {@code validate_name}): 1 to 127 of {@code [a-zA-Z0-9+_.-]}, not starting with '-', not
 * {@code .} or {@code ..}. Metadata text may quote any bytes as a name; a name outside these
 * rules was not written by LVM, and it must not reach anything that builds a path from it
 * (a VDI uuid, a manifest file name).
 */
public final class LvmName {
    /** NAME_LEN in lvm2 is 128 bytes with the terminating NUL. */
    public static final int MAX_LENGTH = 127;

    private LvmName() {
    }

    public static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH || name.charAt(0) == '-'
                || name.equals(".") || name.equals("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '_' || c == '.' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
