package org.smapimigrate.plugin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code SR.stat}'s result (control.ml {@code sr_stat}); {@code uuid} is optional. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SrStat(@JsonProperty(required = true) String sr, String name, String uuid, String description,
                     long freeSpace, long totalSpace, List<String> datasources, boolean clustered,
                     Health health) {
}
