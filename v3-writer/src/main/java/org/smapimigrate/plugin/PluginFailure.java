package org.smapimigrate.plugin;

/** How a plugin call went wrong; scripts and tests match on these rather than on messages. */
public enum PluginFailure {
    /** The plugin ran and reported an error as {@code {"code","params","backtrace"}} (exit 1). */
    PLUGIN_ERROR("plugin-error"),
    /** Output that is not the JSON the protocol requires (xapi's SCRIPT_FAILED). */
    BAD_OUTPUT("bad-output"),
    /** No executable for the method: the plugin does not implement it. */
    MISSING_METHOD("missing-method"),
    /** The call ran past its time limit and was killed. */
    TIME_LIMIT("time-limit"),
    /** The executable could not be started (not executable, bad interpreter). */
    START_FAILED("start-failed");

    private final String label;

    PluginFailure(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
