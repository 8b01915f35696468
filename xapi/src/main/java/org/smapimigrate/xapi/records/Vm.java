package org.smapimigrate.xapi.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A VM record: the fields of xapi-integration.md section 2 "VM". Snapshot VMs are also templates,
 * so classify with {@link #isSnapshot()} before {@link #isTemplate()}.
 */
public record Vm(String ref, String uuid, String nameLabel, String nameDescription, String powerState,
                 boolean isATemplate, boolean isASnapshot, String snapshotOf, List<String> snapshots,
                 Instant snapshotTime, String parent, List<String> children, boolean isControlDomain,
                 List<String> vbds, String suspendVdi, String residentOn, List<String> currentOperations,
                 List<String> allowedOperations, Map<String, String> blockedOperations, List<String> tags,
                 Map<String, String> otherConfig) {

    public static final String HALTED = "Halted";

    public static Vm of(String ref, JsonNode record) {
        Fields f = new Fields("VM", record);
        return new Vm(ref, f.str("uuid"), f.str("name_label"), f.str("name_description"), f.str("power_state"),
                f.bool("is_a_template"), f.bool("is_a_snapshot"), f.ref("snapshot_of"), f.strings("snapshots"),
                f.time("snapshot_time"), f.ref("parent"), f.strings("children"), f.bool("is_control_domain"),
                f.strings("VBDs"), f.ref("suspend_VDI"), f.ref("resident_on"), f.mapValues("current_operations"),
                f.strings("allowed_operations"), f.map("blocked_operations"), f.strings("tags"),
                f.map("other_config"));
    }

    public boolean isSnapshot() {
        return isASnapshot;
    }

    /** A template that is not a snapshot (snapshots have is_a_template = true too). */
    public boolean isTemplate() {
        return isATemplate && !isASnapshot;
    }

    public boolean isHalted() {
        return HALTED.equalsIgnoreCase(powerState);
    }
}
