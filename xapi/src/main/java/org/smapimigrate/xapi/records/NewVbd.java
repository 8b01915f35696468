package org.smapimigrate.xapi.records;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The record {@code VBD.create} takes: the required fields VM, VDI, userdevice, bootable, mode,
 * type, empty, other_config, qos_algorithm_type, qos_algorithm_params, and unpluggable
 * (xapi-integration.md section 3, "VBD.create").
 */
public record NewVbd(String vm, String vdi, String userdevice, boolean bootable, String mode, String type,
                     boolean empty, Map<String, String> otherConfig, String qosAlgorithmType,
                     Map<String, String> qosAlgorithmParams, boolean unpluggable) {

    public NewVbd {
        otherConfig = Map.copyOf(otherConfig);
        qosAlgorithmParams = Map.copyOf(qosAlgorithmParams);
    }

    /**
     * The VBD that replaces {@code old} on the same VM, pointing at {@code newVdi}: same userdevice,
     * bootable, mode, type, unpluggable, other_config and qos, minus the stale {@code backend-kind}
     * XAPI copied from the old VDI's sm_config (section 3, "Safe repoint", step 6). {@code mode}
     * may be forced to RO for read-only snapshot VDIs (#7268).
     */
    public static NewVbd replacing(Vbd old, String newVdi, String mode) {
        Map<String, String> oc = new TreeMap<>(old.otherConfig());
        oc.remove("backend-kind");
        return new NewVbd(old.vm(), newVdi, old.userdevice(), old.bootable(), mode == null ? old.mode() : mode,
                old.type(), false, oc, old.qosAlgorithmType(), old.qosAlgorithmParams(), old.unpluggable());
    }

    public Map<String, Object> toWire() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("VM", vm);
        m.put("VDI", vdi);
        m.put("userdevice", userdevice);
        m.put("bootable", bootable);
        m.put("mode", mode);
        m.put("type", type);
        m.put("empty", empty);
        m.put("other_config", otherConfig);
        m.put("qos_algorithm_type", qosAlgorithmType);
        m.put("qos_algorithm_params", qosAlgorithmParams);
        m.put("unpluggable", unpluggable);
        return m;
    }
}
