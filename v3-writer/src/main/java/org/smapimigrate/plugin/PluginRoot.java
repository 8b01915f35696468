package org.smapimigrate.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A tree of SMAPIv3 plugins as xapi-storage-script sees it: {@code volume/<name>/} and
 * {@code datapath/<scheme>/} (interface doc section 1). On a host it is
 * {@value #HOST_ROOT}.
 */
public final class PluginRoot {
    public static final String HOST_ROOT = "/usr/libexec/xapi-storage-script";
    /** Per-call time limit unless told otherwise: snapshots of big volumes can take a while. */
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofMinutes(10);

    private final Path root;
    private final Duration timeLimit;

    public PluginRoot(Path root, Duration timeLimit) {
        this.root = root.toAbsolutePath().normalize();
        this.timeLimit = timeLimit;
    }

    public Path path() {
        return root;
    }

    public Duration timeLimit() {
        return timeLimit;
    }

    /** The volume plugin {@code volume/<name>}; fails when the directory is missing. */
    public VolumePlugin volumePlugin(String name) throws IOException {
        if (!plainName(name)) {
            throw new IOException("no volume plugin '" + name + "' in " + root.resolve("volume")
                    + " (a plugin name is one directory name)");
        }
        Path dir = root.resolve("volume").resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new IOException("no volume plugin '" + name + "' in " + root.resolve("volume")
                    + " (each volume plugin is a directory there)");
        }
        return new VolumePlugin(new PluginClient(dir, timeLimit));
    }

    /** True when a datapath plugin is registered for the URI scheme {@code scheme}. */
    public boolean hasDatapath(String scheme) {
        // The scheme comes from a URI a plugin returned: only RFC 3986 section 3.1 syntax
        // (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )) may name a directory, so never "..".
        return scheme != null && SCHEME.matcher(scheme).matches()
                && Files.isDirectory(root.resolve("datapath").resolve(scheme));
    }

    private static final java.util.regex.Pattern SCHEME = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");

    /** One directory name: not empty, '.' or '..', without '/', NUL or control characters. */
    private static boolean plainName(String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")) {
            return false;
        }
        return name.chars().noneMatch(c -> c < 0x20 || (c >= 0x7f && c < 0xa0));
    }

    /** The datapath plugin {@code datapath/<scheme>}; fails when the directory is missing. */
    public DatapathPlugin datapathPlugin(String scheme) throws IOException {
        if (!hasDatapath(scheme)) {
            throw new IOException("no datapath plugin for URI scheme '" + scheme + "' in " + root.resolve("datapath"));
        }
        return new DatapathPlugin(new PluginClient(root.resolve("datapath").resolve(scheme), timeLimit));
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
