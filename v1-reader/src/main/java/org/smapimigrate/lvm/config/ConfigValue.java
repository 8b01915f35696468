package org.smapimigrate.lvm.config;

import java.util.List;

/** The value of a {@code key = value} setting in LVM's config syntax: a scalar or a flat list. */
public sealed interface ConfigValue {

    /** A 64-bit integer ({@code strtoll} in libdm). */
    record Int(long value) implements ConfigValue {
    }

    /** A number with a decimal point. */
    record Real(double value) implements ConfigValue {
    }

    /** A quoted string (escapes already removed) or a bare word. */
    record Str(String value) implements ConfigValue {
    }

    /** {@code [a, b, ...]}; the items are scalars. */
    record ListValue(List<ConfigValue> items) implements ConfigValue {
        public ListValue {
            items = List.copyOf(items);
        }
    }
}
