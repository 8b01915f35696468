package org.smapimigrate.xapi.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * An SM record: one storage driver or plugin XAPI knows. XAPI registers a SMAPIv3 plugin with the
 * {@code required_api_version} of its {@code Plugin.query} ("5.0", or "3.0" in the old
 * compatibility mode; smapiv3-interface.md section 1 "API version"; xapi-storage-script copies it
 * into the SM record), while SMAPIv1 drivers say "1.0".
 */
public record Sm(String ref, String uuid, String type, String nameLabel, String requiredApiVersion,
                 List<String> capabilities, String driverFilename) {

    public static Sm of(String ref, JsonNode record) {
        Fields f = new Fields("SM", record);
        return new Sm(ref, f.str("uuid"), f.str("type"), f.str("name_label"), f.str("required_api_version"),
                f.strings("capabilities"), f.str("driver_filename"));
    }

    /** True when the plugin speaks SMAPIv3 (API major version 3 or more). */
    public boolean isSmapiV3() {
        String v = requiredApiVersion.strip();
        int dot = v.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? v : v.substring(0, dot)) >= 3;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
