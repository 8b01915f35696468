package org.smapimigrate.xapi.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** An SR record (xapi-integration.md section 2 "SR"). {@code type} is a SMAPIv1 driver or a SMAPIv3 plugin name. */
public record Sr(String ref, String uuid, String nameLabel, String nameDescription, String type, String contentType,
                 boolean shared, List<String> pbds, List<String> vdis, Map<String, String> smConfig,
                 Map<String, String> otherConfig, long physicalSize, long physicalUtilisation,
                 long virtualAllocation) {

    public static Sr of(String ref, JsonNode record) {
        Fields f = new Fields("SR", record);
        return new Sr(ref, f.str("uuid"), f.str("name_label"), f.str("name_description"), f.str("type"),
                f.str("content_type"), f.bool("shared"), f.strings("PBDs"), f.strings("VDIs"), f.map("sm_config"),
                f.map("other_config"), f.int64("physical_size"), f.int64("physical_utilisation"),
                f.int64("virtual_allocation"));
    }

    /** Free bytes as XAPI reports them; 0 when the SR reports nothing. */
    public long free() {
        return Math.max(0, physicalSize - physicalUtilisation);
    }

    public boolean isIsoLibrary() {
        return "iso".equalsIgnoreCase(contentType);
    }
}
