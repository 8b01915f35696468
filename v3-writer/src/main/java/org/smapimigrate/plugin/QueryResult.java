package org.smapimigrate.plugin;

import java.util.List;
import java.util.Map;

/** {@code Plugin.query}'s result (plugin.ml {@code query_result}). */
public record QueryResult(String plugin, String name, String description, String vendor, String copyright,
                          String version, String requiredApiVersion, List<String> features,
                          Map<String, String> configuration, List<String> requiredClusterStack) {

    public QueryResult {
        features = features == null ? List.of() : List.copyOf(features);
        configuration = configuration == null ? Map.of() : Map.copyOf(configuration);
        requiredClusterStack = requiredClusterStack == null ? List.of() : List.copyOf(requiredClusterStack);
    }

    public boolean hasFeature(String feature) {
        return features.contains(feature);
    }
}
