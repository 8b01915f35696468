package org.smapimigrate.nbd;

import org.smapimigrate.disk.ExtentKind;

/**
 * One extent of the base:allocation context: {@code [offset, offset + length)} with the
 * server's flags ({@link NbdProtocol#STATE_HOLE}, {@link NbdProtocol#STATE_ZERO}).
 */
public record BlockStatusExtent(long offset, long length, int flags) {

    public long end() {
        return offset + length;
    }

    public boolean hole() {
        return (flags & NbdProtocol.STATE_HOLE) != 0;
    }

    public boolean zero() {
        return (flags & NbdProtocol.STATE_ZERO) != 0;
    }

    /**
     * What a copy does with it. A hole that reads as zeros is unallocated; zeros that are
     * allocated are ZERO; a hole without the zero flag (its contents come from elsewhere, e.g. a
     * backing file) and plain data must be read: proto.md, "0 (data) is always safe".
     */
    public ExtentKind kind() {
        if (zero()) {
            return hole() ? ExtentKind.UNALLOCATED : ExtentKind.ZERO;
        }
        return ExtentKind.DATA;
    }
}
