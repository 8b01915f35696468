package org.smapimigrate.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.disk.VirtualDisk;

/**
 * An NBD export read as a disk: reads are NBD_CMD_READ, extents come from NBD_CMD_BLOCK_STATUS
 * over base:allocation when the server agreed to it, else the whole range is DATA (always safe).
 */
public final class NbdDisk implements VirtualDisk {
    private final NbdClient client;

    private NbdDisk(NbdClient client) {
        this.client = client;
    }

    /** Connects to {@code uri} (any form {@link NbdUri} accepts). */
    public static NbdDisk open(String uri) throws IOException {
        return new NbdDisk(NbdClient.connect(uri));
    }

    public static NbdDisk open(NbdUri uri) throws IOException {
        return new NbdDisk(NbdClient.connect(uri));
    }

    /**
     * The source-side entry point: any URI {@link NbdUri} parses, nbds:// with the certificates
     * of {@code tlsDir} (null: the URI's tls-certificates parameter). Reads only what block
     * status calls data; without base:allocation every byte is read.
     */
    public static NbdDisk open(String uri, java.nio.file.Path tlsDir) throws IOException {
        return new NbdDisk(NbdClient.connect(NbdUri.parse(uri), tlsDir));
    }

    /** Reads through an already connected client, which this disk then owns and closes. */
    public static NbdDisk over(NbdClient client) {
        return new NbdDisk(client);
    }

    public ExportInfo export() {
        return client.export();
    }

    @Override
    public long size() {
        return client.size();
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        checkRange("read", offset, dst.remaining());
        client.read(dst, offset);
    }

    @Override
    public List<Extent> extents(long offset, long length) throws IOException {
        checkRange("extents", offset, length);
        if (length == 0) {
            return List.of();
        }
        if (!client.export().canBlockStatus()) {
            return List.of(new Extent(offset, length, ExtentKind.DATA));
        }
        List<Extent> out = new ArrayList<>();
        for (BlockStatusExtent e : client.blockStatus(offset, length)) {
            int last = out.size() - 1;
            if (last >= 0 && out.get(last).kind() == e.kind()) {
                Extent prev = out.get(last);
                out.set(last, new Extent(prev.offset(), prev.length() + e.length(), prev.kind()));
            } else {
                out.add(new Extent(e.offset(), e.length(), e.kind()));
            }
        }
        return out;
    }

    private void checkRange(String what, long offset, long length) {
        if (offset < 0 || length < 0 || length > size() - offset) {
            throw new IllegalArgumentException(describe() + ": " + what + " of " + length + " bytes at " + offset
                    + " is outside the disk (size " + size() + ")");
        }
    }

    @Override
    public String describe() {
        return client.target();
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
