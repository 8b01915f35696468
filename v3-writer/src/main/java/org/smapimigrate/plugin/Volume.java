package org.smapimigrate.plugin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * A volume as the volume plugin describes it (control.ml {@code volume}). {@code uri} is ordered
 * by preference and its schemes name datapath directories; {@code keys} is opaque to the plugin
 * (XAPI keeps {@code vdi-type} and friends there, we keep where a volume came from).
 * {@code uuid}, {@code volumeType} and {@code cbtEnabled} are optional.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Volume(@JsonProperty(required = true) String key, String uuid, String name, String description,
                     boolean readWrite, boolean sharable,
                     @JsonProperty(required = true) long virtualSize, long physicalUtilisation,
                     @JsonProperty(required = true) List<String> uri, Map<String, String> keys,
                     String volumeType, Boolean cbtEnabled) {

    public Volume {
        uri = List.copyOf(uri);
        keys = keys == null ? Map.of() : Map.copyOf(keys);
    }

    /** The scheme of one of the URIs (the text before the first ':'), or null when there is none. */
    public static String schemeOf(String uri) {
        try {
            return URI.create(uri).getScheme();
        } catch (IllegalArgumentException e) {
            int colon = uri.indexOf(':');
            return colon > 0 ? uri.substring(0, colon) : null;
        }
    }

    /** Name for messages: the name when it has one, else the key. */
    public String describe() {
        return (name == null || name.isEmpty() ? key : name + " (" + key + ")");
    }
}
