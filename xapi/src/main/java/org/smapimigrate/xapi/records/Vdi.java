package org.smapimigrate.xapi.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A VDI record (xapi-integration.md section 2 "VDI"). {@code location} is opaque: the VDI uuid on
 * SMAPIv1 file and LVHD SRs, the volume key on SMAPIv3. {@code smConfig} keys of SMAPIv1 are
 * driver-private and must not be copied.
 */
public record Vdi(String ref, String uuid, String nameLabel, String nameDescription, String sr, List<String> vbds,
                  long virtualSize, long physicalUtilisation, String type, boolean sharable, boolean readOnly,
                  boolean managed, boolean missing, boolean isASnapshot, String snapshotOf, List<String> snapshots,
                  Instant snapshotTime, Map<String, String> smConfig, Map<String, String> otherConfig,
                  List<String> tags, Map<String, String> xenstoreData, String onBoot, boolean allowCaching,
                  boolean cbtEnabled, String location, String metadataOfPool, boolean isToolsIso,
                  List<String> currentOperations) {

    public static Vdi of(String ref, JsonNode record) {
        Fields f = new Fields("VDI", record);
        return new Vdi(ref, f.str("uuid"), f.str("name_label"), f.str("name_description"), f.ref("SR"),
                f.strings("VBDs"), f.int64("virtual_size"), f.int64("physical_utilisation"), f.str("type"),
                f.bool("sharable"), f.bool("read_only"), f.bool("managed"), f.bool("missing"),
                f.bool("is_a_snapshot"), f.ref("snapshot_of"), f.strings("snapshots"), f.time("snapshot_time"),
                f.map("sm_config"), f.map("other_config"), f.strings("tags"), f.map("xenstore_data"),
                f.str("on_boot"), f.bool("allow_caching"), f.bool("cbt_enabled"), f.str("location"),
                f.ref("metadata_of_pool"), f.bool("is_tools_iso"), f.mapValues("current_operations"));
    }

    /** Base copies (hidden VHD parents) are unmanaged; missing ones were not found by the last scan. */
    public boolean isMigratable() {
        return managed && !missing && !"cbt_metadata".equals(type);
    }

    /** Encrypted SMAPIv1 VDIs carry sm_config key_hash; they cannot be read as plain VHD. */
    public boolean isEncrypted() {
        return smConfig.containsKey("key_hash");
    }
}
