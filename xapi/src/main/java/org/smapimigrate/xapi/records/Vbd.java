package org.smapimigrate.xapi.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A VBD record (xapi-integration.md section 2 "VBD"). {@code vdi} cannot be changed in place
 * (there is no VBD.set_VDI): repointing is destroy + create with the same fields.
 */
public record Vbd(String ref, String uuid, String vm, String vdi, String device, String userdevice,
                  boolean bootable, String mode, String type, boolean empty, boolean currentlyAttached,
                  boolean unpluggable, Map<String, String> otherConfig, String qosAlgorithmType,
                  Map<String, String> qosAlgorithmParams, List<String> currentOperations) {

    public static Vbd of(String ref, JsonNode record) {
        Fields f = new Fields("VBD", record);
        return new Vbd(ref, f.str("uuid"), f.ref("VM"), f.ref("VDI"), f.str("device"), f.str("userdevice"),
                f.bool("bootable"), f.str("mode"), f.str("type"), f.bool("empty"), f.bool("currently_attached"),
                f.bool("unpluggable"), f.map("other_config"), f.str("qos_algorithm_type"),
                f.map("qos_algorithm_params"), f.mapValues("current_operations"));
    }

    public boolean isDisk() {
        return "Disk".equalsIgnoreCase(type);
    }

    public boolean isCd() {
        return "CD".equalsIgnoreCase(type);
    }
}
