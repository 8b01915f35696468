package org.smapimigrate.batch;

import java.io.IOException;
import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * A host's name in a pool, as claims and per-host state record it. It becomes part of file names
 * ({@code STATE/hosts/NAME/}), so only DNS-label characters are accepted.
 */
public final class Host {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

    private Host() {
    }

    /** The name, or IllegalArgumentException saying what is allowed. */
    public static String check(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("'" + String.valueOf(name).replaceAll("\\p{Cntrl}", "?")
                    + "' is not a host name; use letters, digits, '.', '_', '-' (at most 253)");
        }
        return name;
    }

    /** This machine's name (gethostname), made safe; "localhost" when it has none. */
    public static String local() {
        String n;
        try {
            n = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            n = "localhost";
        }
        n = n.replaceAll("[^A-Za-z0-9._-]", "_").replace("..", "_");
        if (n.isEmpty() || !Character.isLetterOrDigit(n.charAt(0))) {
            n = "h" + n;
        }
        return n.length() > 253 ? n.substring(0, 253) : n;
    }
}
