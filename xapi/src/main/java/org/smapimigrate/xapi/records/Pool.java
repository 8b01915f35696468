package org.smapimigrate.xapi.records;

import com.fasterxml.jackson.databind.JsonNode;

/** A pool record: its master host (xapi-integration.md section 2 "host / pool"). */
public record Pool(String ref, String uuid, String nameLabel, String master, String defaultSr) {

    public static Pool of(String ref, JsonNode record) {
        Fields f = new Fields("pool", record);
        return new Pool(ref, f.str("uuid"), f.str("name_label"), f.ref("master"), f.ref("default_SR"));
    }
}
