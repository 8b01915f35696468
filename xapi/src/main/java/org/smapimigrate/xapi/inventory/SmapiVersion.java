package org.smapimigrate.xapi.inventory;

import java.util.Map;
import java.util.Set;
import org.smapimigrate.xapi.records.Sm;

/**
 * Whether an SR is SMAPIv1 or SMAPIv3. XAPI registers every driver or plugin as an SM record whose
 * type is the SR type: SMAPIv1 drivers with required_api_version "1.0", SMAPIv3 plugins with the
 * version of their Plugin.query ("5.0", or "3.0"; smapiv3-interface.md section 1; xen-api
 * storage_access.ml create_from_query_result). Without an SM record, the SMAPIv1 type names of
 * xapi-integration.md section 2 decide; anything else is unknown.
 */
public enum SmapiVersion {
    V1("SMAPIv1"), V3("SMAPIv3"), UNKNOWN("unknown");

    /** SR types of SMAPIv1 drivers (xapi-integration.md section 2 "SR" and "Where a SMAPIv1 SR lives"). */
    public static final Set<String> SMAPIV1_TYPES = Set.of("ext", "nfs", "lvm", "lvmoiscsi", "lvmohba", "file",
            "smb", "cifs", "iso", "udev", "xfs", "zfs", "ext4", "btrfs", "glusterfs", "cephfs", "moosefs",
            "largeblock", "linstor", "hba", "iscsi", "dummy");

    private final String label;

    SmapiVersion(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static SmapiVersion of(String srType, Map<String, Sm> smByType) {
        Sm sm = smByType.get(srType);
        if (sm != null && !sm.requiredApiVersion().isBlank()) {
            return sm.isSmapiV3() ? V3 : V1;
        }
        return SMAPIV1_TYPES.contains(srType) ? V1 : UNKNOWN;
    }
}
