package org.smapimigrate.disk;

/**
 * What a copy did.
 *
 * @param virtualBytes  size of the disk copied
 * @param readBytes     bytes read from the source (allocated data)
 * @param writtenBytes  bytes written to the target as data
 * @param zeroBytes     bytes that read as zeros (holes, and data found to be all zeros)
 * @param nanos         wall time of the copy
 */
public record CopyStats(long virtualBytes, long readBytes, long writtenBytes, long zeroBytes, long nanos) {

    /** Throughput over the virtual size in bytes per second. */
    public double virtualRate() {
        return nanos == 0 ? 0 : virtualBytes * 1e9 / nanos;
    }

    /** Throughput over the bytes actually read, per second. */
    public double readRate() {
        return nanos == 0 ? 0 : readBytes * 1e9 / nanos;
    }
}
