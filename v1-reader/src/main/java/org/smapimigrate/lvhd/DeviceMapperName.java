package org.smapimigrate.lvhd;

/**
 * Device-mapper node names of LVs ({@code /dev/mapper/<vg>-<lv>}, each '-' inside a name doubled),
 * which is what LVHD parent locators hold: {@code ./VG_XenStorage--<sr>-VHD--<uuid>}
 * (smapiv1-layout part B; blktap {@code canonpath.c}).
 */
public final class DeviceMapperName {
    private DeviceMapperName() {
    }

    /** The node name of {@code lv} in {@code vg}. */
    public static String of(String vg, String lv) {
        return vg.replace("-", "--") + "-" + lv.replace("-", "--");
    }

    /**
     * The LV name inside a node name or path, as blktap's {@code vhd_util_scan_extract_volume_name}
     * reads it: the basename, single dashes taken as the VG/LV separator and {@code --} as '-'; the
     * part after the last separator. Null when the name has no separator (not a node name).
     */
    public static String lvName(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        StringBuilder decoded = new StringBuilder(name.length());
        int lastSeparator = -1;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '-') {
                decoded.append(c);
            } else if (i + 1 < name.length() && name.charAt(i + 1) == '-') {
                decoded.append('-');
                i++;
            } else {
                lastSeparator = decoded.length();
                decoded.append('/');
            }
        }
        if (lastSeparator < 0) {
            return null;
        }
        String lv = decoded.substring(lastSeparator + 1);
        return lv.isEmpty() ? null : lv;
    }
}
