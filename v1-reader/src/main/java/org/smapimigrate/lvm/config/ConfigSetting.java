package org.smapimigrate.lvm.config;

/** {@code name = value}. */
public record ConfigSetting(String name, ConfigValue value) implements ConfigNode {
}
