package org.smapimigrate.plugin;

import java.util.List;
import java.util.Optional;

/**
 * {@code Datapath.attach}'s result (data.ml {@code backend}, current since xapi-storage ccabfd7):
 * the ways the volume can be reached, in the plugin's order of preference.
 */
public record Backend(List<Implementation> implementations) {
    public Backend {
        implementations = implementations == null ? List.of() : List.copyOf(implementations);
    }

    /** The first implementation of the given kind. */
    public <T extends Implementation> Optional<T> first(Class<T> kind) {
        return implementations.stream().filter(kind::isInstance).map(kind::cast).findFirst();
    }
}
