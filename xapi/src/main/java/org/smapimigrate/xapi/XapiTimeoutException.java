package org.smapimigrate.xapi;

import java.time.Duration;

/**
 * A task did not finish within the time the caller allowed (a guest that does not answer
 * {@code VM.clean_shutdown}, say). XAPI was asked to cancel it ({@code task.cancel} only requests
 * a cancel, section 1 "Async calls and tasks"), so the object's state must be read again.
 */
public final class XapiTimeoutException extends java.io.IOException {
    private final String method;
    private final Duration limit;

    public XapiTimeoutException(String method, String taskUuid, Duration limit) {
        super(method + ": not done after " + seconds(limit) + " (task " + taskUuid + "); XAPI was asked to cancel it:"
                + " read the object's state again before going on");
        this.method = method;
        this.limit = limit;
    }

    public String method() {
        return method;
    }

    public Duration limit() {
        return limit;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(java.util.Locale.ROOT, "%.1f s",
                d.toMillis() / 1000.0);
    }
}
