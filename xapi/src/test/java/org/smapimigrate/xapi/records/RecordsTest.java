package org.smapimigrate.xapi.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Records read from hand-written JSON in the shapes of xapi-integration.md sections 1 and 2. */
class RecordsTest {
    static JsonNode json(String s) throws Exception {
        return new ObjectMapper().readTree(s);
    }

    @Test
    void vdiFieldsWithLenientIntsAndDefaults() throws Exception {
        Vdi v = Vdi.of("OpaqueRef:v", json("{\"uuid\":\"u\",\"name_label\":\"n\",\"SR\":\"OpaqueRef:s\","
                + "\"virtual_size\":\"9007199254740993\",\"physical_utilisation\":4096,\"type\":\"user\","
                + "\"managed\":true,\"missing\":false,\"sm_config\":{\"vhd-parent\":\"p\",\"key_hash\":\"h\"},"
                + "\"snapshot_time\":\"20260101T10:00:00Z\",\"tags\":[\"a\",\"b\"],\"location\":\"k\"}"));
        assertEquals(9007199254740993L, v.virtualSize(), "beyond 2^53, exact");
        assertEquals(4096, v.physicalUtilisation());
        assertEquals(Instant.parse("2026-01-01T10:00:00Z"), v.snapshotTime());
        assertEquals(List.of("a", "b"), v.tags());
        assertEquals("OpaqueRef:NULL", v.snapshotOf(), "a missing ref reads as the null ref");
        assertTrue(v.isMigratable());
        assertTrue(v.isEncrypted());
        assertFalse(Vdi.of("r", json("{\"managed\":false}")).isMigratable(), "base copy");
        assertFalse(Vdi.of("r", json("{\"managed\":true,\"type\":\"cbt_metadata\"}")).isMigratable());
    }

    @Test
    void wrongTypesNameTheField() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vbd.of("r", json("{\"bootable\":\"true\"}")));
        assertEquals("VBD.bootable is not true or false: \"true\"", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Vdi.of("r", json("{\"virtual_size\":\"12abc\"}")));
        assertThrows(IllegalArgumentException.class, () -> Vm.of("r", json("{\"VBDs\":\"OpaqueRef:x\"}")));
        assertThrows(IllegalArgumentException.class, () -> Vm.of("r", json("[]")));
    }

    @Test
    void snapshotsAreTemplatesTooButClassifiedAsSnapshots() throws Exception {
        Vm snap = Vm.of("r", json("{\"is_a_snapshot\":true,\"is_a_template\":true,\"power_state\":\"Halted\"}"));
        assertTrue(snap.isSnapshot());
        assertFalse(snap.isTemplate());
        assertTrue(Vm.of("r", json("{\"is_a_template\":true}")).isTemplate());
    }

    @Test
    void aReplacementVbdKeepsEverythingButTheVdiAndTheStaleBackendKind() throws Exception {
        Vbd old = Vbd.of("OpaqueRef:old", json("{\"VM\":\"OpaqueRef:vm\",\"VDI\":\"OpaqueRef:v1\",\"userdevice\":\"2\","
                + "\"bootable\":true,\"mode\":\"RW\",\"type\":\"Disk\",\"unpluggable\":false,"
                + "\"other_config\":{\"backend-kind\":\"vbd3\",\"owner\":\"\"},\"qos_algorithm_type\":\"ionice\","
                + "\"qos_algorithm_params\":{\"class\":\"rt\"}}"));
        NewVbd n = NewVbd.replacing(old, "OpaqueRef:v2", null);
        assertEquals(Map.of("VM", "OpaqueRef:vm", "VDI", "OpaqueRef:v2", "userdevice", "2", "bootable", true,
                "mode", "RW", "type", "Disk", "empty", false, "other_config", Map.of("owner", ""),
                "qos_algorithm_type", "ionice", "qos_algorithm_params", Map.of("class", "rt")),
                withoutUnpluggable(n.toWire()));
        assertFalse(n.unpluggable());
        assertEquals("RO", NewVbd.replacing(old, "OpaqueRef:v2", "RO").mode());
    }

    private static Map<String, Object> withoutUnpluggable(Map<String, Object> m) {
        Map<String, Object> c = new java.util.HashMap<>(m);
        c.remove("unpluggable");
        return c;
    }
}
