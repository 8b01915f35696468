package org.smapimigrate.xapi.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A PBD record (xapi-integration.md section 2 "PBD"): how one host reaches one SR. An SR's files
 * or LVs are reachable only on hosts whose PBD is currently attached. {@code deviceConfig} can
 * hold secrets (e.g. a CIFS password): never print it whole.
 */
public record Pbd(String ref, String uuid, String host, String sr, Map<String, String> deviceConfig,
                  boolean currentlyAttached, Map<String, String> otherConfig) {

    public static Pbd of(String ref, JsonNode record) {
        Fields f = new Fields("PBD", record);
        return new Pbd(ref, f.str("uuid"), f.ref("host"), f.ref("SR"), f.map("device_config"),
                f.bool("currently_attached"), f.map("other_config"));
    }

    @Override
    public String toString() {
        return "Pbd[" + uuid + ", host=" + host + ", sr=" + sr + ", device_config keys=" + deviceConfig.keySet()
                + ", attached=" + currentlyAttached + "]";
    }
}
