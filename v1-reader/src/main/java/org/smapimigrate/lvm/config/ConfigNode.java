package org.smapimigrate.lvm.config;

/** An item of a section: a nested section or a setting. */
public sealed interface ConfigNode permits ConfigSection, ConfigSetting {
    String name();
}
