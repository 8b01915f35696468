package org.smapimigrate.xapi.records;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The record {@code VDI.create} takes (xapi-integration.md section 3, "Creating a VDI through
 * XAPI"). On a SMAPIv3 SR XAPI runs Volume.create with the name, description, size and sharable
 * flag and stores the type as the volume key vdi-type.
 */
public record NewVdi(String nameLabel, String nameDescription, String sr, long virtualSize, String type,
                     boolean sharable, boolean readOnly, Map<String, String> otherConfig,
                     Map<String, String> xenstoreData, Map<String, String> smConfig, List<String> tags) {

    public NewVdi {
        otherConfig = Map.copyOf(otherConfig);
        xenstoreData = Map.copyOf(xenstoreData);
        smConfig = Map.copyOf(smConfig);
        tags = List.copyOf(tags);
    }

    /** A user disk with empty maps: what an import target needs. */
    public static NewVdi userDisk(String sr, String nameLabel, String nameDescription, long virtualSize) {
        return new NewVdi(nameLabel, nameDescription, sr, virtualSize, "user", false, false, Map.of(), Map.of(),
                Map.of(), List.of());
    }

    public Map<String, Object> toWire() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name_label", nameLabel);
        m.put("name_description", nameDescription);
        m.put("SR", sr);
        m.put("virtual_size", virtualSize);
        m.put("type", type);
        m.put("sharable", sharable);
        m.put("read_only", readOnly);
        m.put("other_config", otherConfig);
        m.put("xenstore_data", xenstoreData);
        m.put("sm_config", smConfig);
        m.put("tags", tags);
        return m;
    }
}
