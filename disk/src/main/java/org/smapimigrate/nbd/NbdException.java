package org.smapimigrate.nbd;

import java.io.IOException;

/**
 * An NBD failure a person can act on. It names the target (the URI, secrets redacted), what the
 * client was doing, and a stable error name: the protocol's own name when the server answered
 * with an error ({@code NBD_REP_ERR_UNKNOWN}, {@code EIO}), else one of the client-side names
 * below. The server's message, when it sent one, is kept verbatim.
 *
 * <pre>
 * nbd+unix:///disk?socket=/tmp/s: server refused export 'disk': NBD_REP_ERR_UNKNOWN (no such export)
 * nbd://127.0.0.1:10809/x: NBD_CMD_WRITE of 65536 bytes at 1048576 failed: EIO (input/output error)
 * </pre>
 */
public class NbdException extends IOException {
    /** The URI is not one of the accepted forms. */
    public static final String BAD_URI = "BAD_URI";
    /** The TCP or UNIX socket connection could not be made. */
    public static final String CONNECT_FAILED = "CONNECT_FAILED";
    /** The peer does not speak the NBD dialect this client speaks (oldstyle, plain newstyle without fixed options...). */
    public static final String NOT_NBD = "NOT_NBD";
    /** The server broke the protocol; the connection was dropped. */
    public static final String PROTOCOL_ERROR = "PROTOCOL_ERROR";
    /** The connection ended while requests were outstanding or during the handshake. */
    public static final String CONNECTION_LOST = "CONNECTION_LOST";
    /** TLS cannot be used with this server (plain newstyle), or no certificate directory was given. */
    public static final String TLS_NOT_SUPPORTED = "TLS_NOT_SUPPORTED";
    /** The TLS handshake failed (untrusted certificate, wrong host name, no common protocol). */
    public static final String TLS_FAILED = "TLS_FAILED";
    /** The export does not offer what the caller needs (TRIM, FLUSH, block status...). */
    public static final String UNSUPPORTED = "UNSUPPORTED";
    /** A write to an export the server flags read-only. */
    public static final String READ_ONLY = "READ_ONLY";
    /** The export is smaller than the disk to be written into it. */
    public static final String EXPORT_TOO_SMALL = "EXPORT_TOO_SMALL";
    /** A request not aligned to the export's minimum block size. */
    public static final String MISALIGNED = "MISALIGNED";
    /** A request outside the export. */
    public static final String OUT_OF_RANGE = "OUT_OF_RANGE";
    /** The client was closed, or an earlier failure closed the connection. */
    public static final String CLOSED = "CLOSED";

    private final String target;
    private final String errorName;
    private final int errorCode;
    private final String serverMessage;

    private NbdException(String message, String target, String errorName, int errorCode, String serverMessage,
            Throwable cause) {
        super(message, cause);
        this.target = target;
        this.errorName = errorName;
        this.errorCode = errorCode;
        this.serverMessage = serverMessage;
    }

    /**
     * The server answered with an error.
     *
     * @param what          what the client asked, e.g. "server refused export 'disk'"
     * @param errorName     the protocol's name of the error
     * @param errorCode     the number on the wire
     * @param serverMessage the server's text, or "" when it sent none
     */
    public static NbdException fromServer(String target, String what, String errorName, int errorCode,
            String serverMessage) {
        return fromServer(target, what, errorName, errorCode, serverMessage, "");
    }

    /**
     * As {@link #fromServer(String, String, String, int, String)}; {@code explanation} is shown
     * instead of the server's message when the server sent none (NBD errno replies carry no text).
     */
    public static NbdException fromServer(String target, String what, String errorName, int errorCode,
            String serverMessage, String explanation) {
        StringBuilder b = new StringBuilder().append(target).append(": ").append(what).append(": ").append(errorName);
        String shown = serverMessage.isEmpty() ? explanation : serverMessage;
        if (!shown.isEmpty()) {
            b.append(" (").append(shown).append(')');
        }
        return new NbdException(b.toString(), target, errorName, errorCode, serverMessage, null);
    }

    /** A failure found by the client; {@code detail} says what is wrong and, where possible, what to do. */
    public static NbdException local(String target, String errorName, String detail) {
        return local(target, errorName, detail, null);
    }

    public static NbdException local(String target, String errorName, String detail, Throwable cause) {
        return new NbdException(target + ": " + detail + " [" + errorName + "]", target, errorName, -1, "", cause);
    }

    /** The same failure seen again by a later caller, with the caller's stack. */
    NbdException again() {
        return new NbdException(getMessage(), target, errorName, errorCode, serverMessage, this);
    }

    /** The URI (redacted) or other name of the export. */
    public String target() {
        return target;
    }

    /** NBD_REP_ERR_*, an errno name such as EIO, or one of this class's constants. */
    public String errorName() {
        return errorName;
    }

    /** The number on the wire, or -1 for a failure found by the client. */
    public int errorCode() {
        return errorCode;
    }

    /** The server's own message, or "". */
    public String serverMessage() {
        return serverMessage;
    }
}
