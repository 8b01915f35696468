package org.smapimigrate.plugin;

import java.io.IOException;
import java.util.List;

/**
 * A failed call of a SMAPIv3 plugin executable. For {@link PluginFailure#PLUGIN_ERROR} the plugin's
 * own {@code code} and {@code params} are kept (xapi's {@code Types.error}); the plugin's standard
 * error is kept for reports but only its last line goes into the one-line message.
 */
public class PluginCallException extends IOException {
    private final PluginFailure failure;
    private final String plugin;
    private final String method;
    private final String code;
    private final List<String> params;
    private final String stderr;

    public PluginCallException(PluginFailure failure, String plugin, String method, String code,
                               List<String> params, String detail, String stderr) {
        super(format(failure, plugin, method, code, params, detail, stderr));
        this.failure = failure;
        this.plugin = plugin;
        this.method = method;
        this.code = code;
        this.params = params == null ? List.of() : List.copyOf(params);
        this.stderr = stderr == null ? "" : stderr;
    }

    private static String format(PluginFailure failure, String plugin, String method, String code,
                                 List<String> params, String detail, String stderr) {
        StringBuilder b = new StringBuilder();
        b.append("plugin ").append(plugin).append(' ').append(method).append(": ");
        if (failure == PluginFailure.PLUGIN_ERROR) {
            b.append(code);
            if (params != null && !params.isEmpty()) {
                b.append(' ').append(String.join(", ", params));
            }
        } else {
            b.append(detail);
        }
        String last = lastLine(stderr);
        if (failure != PluginFailure.PLUGIN_ERROR && !last.isEmpty()) {
            b.append(" (stderr: ").append(last).append(')');
        }
        b.append(" [").append(failure.label()).append(']');
        return b.toString();
    }

    static String lastLine(String text) {
        if (text == null) {
            return "";
        }
        String[] lines = text.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        return last.length() > 300 ? last.substring(0, 300) + "..." : last;
    }

    public PluginFailure failure() {
        return failure;
    }

    /** Directory name of the plugin, e.g. {@code org.smapimigrate.dirvol} or {@code raw+file}. */
    public String plugin() {
        return plugin;
    }

    /** {@code Interface.method}, e.g. {@code Volume.create}. */
    public String method() {
        return method;
    }

    /** The plugin's error code, e.g. {@code SR_BACKEND_FAILURE_79}; null unless PLUGIN_ERROR. */
    public String code() {
        return code;
    }

    /** The plugin's error params, e.g. {@code ["VDI Invalid size", "shrinking not allowed"]}. */
    public List<String> params() {
        return params;
    }

    /** What the plugin wrote on standard error (the tail, when it wrote a lot). */
    public String stderr() {
        return stderr;
    }

    /**
     * True when the error names {@code name} as its code or first param: IDL errors such as
     * {@code Volume_does_not_exist} arrive as {@code SR_BACKEND_FAILURE [name, text]}.
     */
    public boolean is(String name) {
        return name.equals(code) || (!params.isEmpty() && name.equals(params.get(0)));
    }
}
