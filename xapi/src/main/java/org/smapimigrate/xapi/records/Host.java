package org.smapimigrate.xapi.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A host record (xapi-integration.md section 2 "host / pool"). */
public record Host(String ref, String uuid, String nameLabel, String hostname, String address, boolean enabled,
                   List<String> pbds, List<String> residentVms) {

    public static Host of(String ref, JsonNode record) {
        Fields f = new Fields("host", record);
        return new Host(ref, f.str("uuid"), f.str("name_label"), f.str("hostname"), f.str("address"),
                f.bool("enabled"), f.strings("PBDs"), f.strings("resident_VMs"));
    }
}
