package org.smapimigrate.vm;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where this host's paths are: {@code /} on a host, or a directory holding a copy of the paths
 * that matter ({@code --host-root}, for tests and for running on a copy). Paths come from XAPI
 * (a PBD's device_config) and are checked before use: absolute, no {@code ..}, no control
 * characters, so no value can reach outside the root.
 */
public record HostRoot(Path root) {
    /** xapi-integration.md section 2 "Where a SMAPIv1 SR lives on a host". */
    public static final String SR_MOUNT = "/var/run/sr-mount/";
    /** smapiv3-interface.md section 1: xapi-storage-script's plugin tree. */
    public static final String PLUGIN_ROOT = "/usr/libexec/xapi-storage-script";
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

    public static HostRoot of(Path dir) {
        return new HostRoot(dir == null ? Path.of("/") : dir.toAbsolutePath().normalize());
    }

    /** {@code hostPath} (absolute, as on the host) under the root; a bad path is an IllegalArgumentException naming it. */
    public Path resolve(String hostPath) {
        if (hostPath == null || !hostPath.startsWith("/") || hostPath.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("not an absolute host path: " + org.smapimigrate.xapi.OneLine.of(
                    String.valueOf(hostPath), 80));
        }
        for (String part : hostPath.split("/")) {
            if (part.equals("..") || part.equals(".")) {
                throw new IllegalArgumentException("a host path with '" + part + "' in it: "
                        + org.smapimigrate.xapi.OneLine.of(hostPath, 80));
            }
        }
        Path p = root.resolve(hostPath.substring(1)).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("outside the host root: " + org.smapimigrate.xapi.OneLine.of(hostPath, 80));
        }
        return p;
    }

    /** The mount point of a file SR. */
    public Path srMount(String srUuid) {
        if (!isUuid(srUuid)) {
            throw new IllegalArgumentException("not an SR uuid: " + org.smapimigrate.xapi.OneLine.of(srUuid, 80));
        }
        return resolve(SR_MOUNT + srUuid);
    }

    public Path pluginRoot() {
        return resolve(PLUGIN_ROOT);
    }

    public static boolean isUuid(String s) {
        return s != null && UUID.matcher(s).matches();
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
