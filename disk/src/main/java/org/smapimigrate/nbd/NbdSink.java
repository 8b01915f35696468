package org.smapimigrate.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.smapimigrate.disk.DiskSink;

/**
 * An NBD export as a copy target. Writes are pipelined: {@link #write} returns once the data is
 * on the wire, and the first failure the server reports surfaces from the next call,
 * {@link #flush()} or {@link #close()}. Zero runs go out as NBD_CMD_WRITE_ZEROES (without
 * NO_HOLE, so the server may leave holes) when the export offers it, else as written zeros.
 */
public final class NbdSink implements DiskSink {

    private final NbdClient client;
    private volatile ByteBuffer zeros;

    private NbdSink(NbdClient client) {
        this.client = client;
    }

    /**
     * Connects to {@code uri} and checks that the export is writable and holds at least
     * {@code expectedSize} bytes.
     *
     * @throws NbdException {@link NbdException#READ_ONLY}, {@link NbdException#EXPORT_TOO_SMALL}, or
     *                      whatever connecting and negotiating reported
     */
    public static NbdSink open(String uri, long expectedSize) throws IOException {
        return open(NbdUri.parse(uri), expectedSize);
    }

    public static NbdSink open(NbdUri uri, long expectedSize) throws IOException {
        NbdClient client = NbdClient.connect(uri);
        try {
            return over(client, expectedSize);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Uses an already connected client (which this sink then owns and closes). */
    public static NbdSink over(NbdClient client, long expectedSize) throws NbdException {
        ExportInfo export = client.export();
        if (export.flags().readOnly()) {
            throw NbdException.local(client.target(), NbdException.READ_ONLY,
                    "the export is read-only (the server sets NBD_FLAG_READ_ONLY), so it cannot be a copy target; "
                            + "start the server writable (qemu-nbd without -r, nbdkit without -r)");
        }
        if (export.size() < expectedSize) {
            throw NbdException.local(client.target(), NbdException.EXPORT_TOO_SMALL, "the export is "
                    + export.size() + " bytes but the disk needs " + expectedSize
                    + "; create or resize the target volume to at least the disk's size");
        }
        return new NbdSink(client);
    }

    /** What negotiation established about the export. */
    public ExportInfo export() {
        return client.export();
    }

    @Override
    public long size() {
        return client.size();
    }

    @Override
    public void write(ByteBuffer src, long offset) throws IOException {
        client.writeAsync(src, offset);
    }

    @Override
    public void writeZeroes(long offset, long length) throws IOException {
        if (length == 0) {
            return;
        }
        if (client.export().flags().canWriteZeroes()) {
            client.writeZeroesAsync(offset, length);
            return;
        }
        ByteBuffer z = zeroBuffer();
        long at = offset;
        long end = offset + length;
        while (at < end) {
            int n = (int) Math.min(z.capacity(), end - at);
            client.writeAsync(z.duplicate().clear().limit(n), at);
            at += n;
        }
    }

    private ByteBuffer zeroBuffer() {
        ByteBuffer z = zeros;
        if (z == null) {
            // Never modified, so threads may share it through duplicates.
            z = ByteBuffer.allocateDirect(client.requestSize());
            zeros = z;
        }
        return z;
    }

    /**
     * Waits for every write to be answered (throwing the first failure), then sends
     * NBD_CMD_FLUSH if the export offers it. Without it, answered writes are as durable as the
     * server makes them.
     */
    @Override
    public void flush() throws IOException {
        if (client.export().flags().canFlush()) {
            client.flush();
        } else {
            client.awaitAsync();
        }
    }

    @Override
    public String describe() {
        return client.target();
    }

    /** Flushes, then disconnects (NBD_CMD_DISC) even when the flush failed, and reports that failure. */
    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            client.close();
        }
    }
}
