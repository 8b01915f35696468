package org.smapimigrate.disk;

/** What a run of a virtual disk holds, as far as the format knows without reading it. */
public enum ExtentKind {
    /** Bytes stored somewhere: must be read and copied. They may still happen to be zeros. */
    DATA,
    /** Known to read as zeros although the format records it (for example a zero-filled target range). */
    ZERO,
    /** Not allocated anywhere in the chain: reads as zeros, and a sparse copy leaves a hole. */
    UNALLOCATED;

    /** True when a reader can skip the bytes: they read as zeros. */
    public boolean readsAsZero() {
        return this != DATA;
    }
}
