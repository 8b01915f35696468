package org.smapimigrate.execute;

import java.util.Locale;
import org.smapimigrate.plugin.PluginCallException;

/**
 * Tells a full target among failures, wherever it was noticed: a sink's write failing with
 * ENOSPC (the JDK's message is the C library's "No space left on device"), an NBD server
 * answering NBD_ENOSPC, or a plugin error saying so (SM's SR_BACKEND_FAILURE_44 "There is
 * insufficient space", or the errno text inside a backend failure).
 */
final class OutOfSpace {
    private OutOfSpace() {
    }

    static boolean is(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof PluginCallException p && "SR_BACKEND_FAILURE_44".equals(p.code())) {
                return true;
            }
            String m = c.getMessage();
            if (m != null) {
                String l = m.toLowerCase(Locale.ROOT);
                if (l.contains("no space left on device") || l.contains("enospc") || l.contains("insufficient space")) {
                    return true;
                }
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }
}
