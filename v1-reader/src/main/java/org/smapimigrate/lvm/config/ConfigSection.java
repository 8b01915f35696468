package org.smapimigrate.lvm.config;

import java.util.List;
import java.util.Optional;

/**
 * {@code name { items }}; the whole text is a section with an empty name. Items keep their
 * order; where a name repeats, lookups find the first, as libdm's {@code dm_config_find_node} does.
 */
public record ConfigSection(String name, List<ConfigNode> items) implements ConfigNode {
    public ConfigSection {
        items = List.copyOf(items);
    }

    public Optional<ConfigSection> section(String key) {
        for (ConfigNode n : items) {
            if (n instanceof ConfigSection s && s.name().equals(key)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public Optional<ConfigValue> value(String key) {
        for (ConfigNode n : items) {
            if (n instanceof ConfigSetting s && s.name().equals(key)) {
                return Optional.of(s.value());
            }
        }
        return Optional.empty();
    }

    /** The nested sections in order. */
    public List<ConfigSection> sections() {
        return items.stream().filter(ConfigSection.class::isInstance).map(ConfigSection.class::cast).toList();
    }
}
