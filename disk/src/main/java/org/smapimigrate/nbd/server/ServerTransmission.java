package org.smapimigrate.nbd.server;

import static org.smapimigrate.nbd.NbdProtocol.*;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.nbd.Transport;

/**
 * The server's transmission phase (proto.md "Transmission"; docs/nbd-protocol.md §2): requests
 * answered one at a time, in order, on the connection's thread. Clients that want parallelism
 * open several connections (the export says CAN_MULTI_CONN).
 *
 * <p>READ costs what is allocated: the extents of the disk say where the holes are, and holes
 * go out as NBD_REPLY_TYPE_OFFSET_HOLE (structured replies) or from a shared zero buffer
 * (simple replies) without reading anything. Data is read by positional reads into one reused
 * direct buffer and written from it straight to the socket.
 *
 * <p>Read-only: WRITE, TRIM and WRITE_ZEROES get EPERM (the WRITE payload is read and dropped,
 * so the stream stays in step); a WRITE larger than the maximum payload is not read and the
 * connection is dropped (docs/nbd-protocol.md §5 rule 3).
 */
final class ServerTransmission {
    /** The maximum payload advertised in NBD_INFO_BLOCK_SIZE: 32 MiB, as qemu-nbd. */
    static final int MAX_PAYLOAD = 32 << 20;
    /** Data moves through one buffer of this size per connection, however large the request. */
    static final int BUFFER_SIZE = 256 * 1024;
    /**
     * BLOCK_STATUS answers at most this far (proto.md: the server may cover less than asked): the
     * extents of a window are held in memory, and a chain of partly written blocks can have one
     * per sector.
     */
    static final long BLOCK_STATUS_WINDOW = 128L << 20;
    /** Extents per BLOCK_STATUS reply; proto.md wants under 2^20, qemu stops at 131,072. */
    static final int MAX_EXTENTS = 65536;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(BUFFER_SIZE).asReadOnlyBuffer();

    private final Session session;
    private final Transport transport;
    private final VirtualDisk disk;
    private final long size;
    private final ConnectionState state;
    private final ByteBuffer request = ByteBuffer.allocate(REQUEST_HEADER_SIZE);
    private final ByteBuffer replyHeader = ByteBuffer.allocate(STRUCTURED_REPLY_HEADER_SIZE + 12);
    private ByteBuffer data;
    /** A reply header waiting to go out with the next bytes: one system call for both. */
    private ByteBuffer pendingHeader;

    ServerTransmission(Session session, ConnectionState state) {
        this.session = session;
        this.transport = session.transport();
        this.disk = session.export().disk();
        this.size = disk.size();
        this.state = state;
    }

    /** Serves requests until NBD_CMD_DISC or the client goes away; returns how it ended. */
    String serve() throws IOException {
        while (true) {
            request.clear();
            try {
                transport.readFully(request);
            } catch (EOFException e) {
                return request.position() == 0 ? "client closed the connection" : "client closed mid-request";
            }
            request.flip();
            int magic = request.getInt();
            int flags = request.getShort() & 0xffff;
            int type = request.getShort() & 0xffff;
            long cookie = request.getLong();
            long offset = request.getLong();
            long length = request.getInt() & 0xffffffffL;
            if (magic != REQUEST_MAGIC) {
                throw new ProtocolViolation(String.format("request magic 0x%08x, expected 0x%08x", magic, REQUEST_MAGIC));
            }
            state.requests.incrementAndGet();
            switch (type) {
                case CMD_READ -> read(flags, cookie, offset, length);
                case CMD_DISC -> {
                    return "NBD_CMD_DISC";
                }
                case CMD_WRITE -> {
                    if (length > MAX_PAYLOAD) {
                        throw new ProtocolViolation("NBD_CMD_WRITE of " + length + " bytes (more than the "
                                + MAX_PAYLOAD + " advertised; not read)");
                    }
                    drain(length);
                    error(cookie, EPERM, "the export is read-only");
                }
                case CMD_TRIM, CMD_WRITE_ZEROES -> error(cookie, EPERM, "the export is read-only");
                case CMD_FLUSH -> {
                    // Nothing is ever written, so everything is durable.
                    simple(cookie, 0);
                }
                case CMD_CACHE -> {
                    if (outOfRange(offset, length)) {
                        error(cookie, EINVAL, "NBD_CMD_CACHE past the end of the export");
                    } else {
                        simple(cookie, 0);
                    }
                }
                case CMD_BLOCK_STATUS -> blockStatus(flags, cookie, offset, length);
                default -> error(cookie, EINVAL, "unknown command " + type);
            }
        }
    }

    private boolean outOfRange(long offset, long length) {
        return offset < 0 || offset > size || length > size - offset;
    }

    private void read(int flags, long cookie, long offset, long length) throws IOException {
        if (length == 0 || length > MAX_PAYLOAD) {
            readError(cookie, EINVAL, "NBD_CMD_READ of " + length + " bytes (1 to " + MAX_PAYLOAD + " allowed)");
            return;
        }
        if (outOfRange(offset, length)) {
            readError(cookie, EINVAL, "NBD_CMD_READ of " + length + " bytes at " + offset
                    + " is past the end of the export (" + size + " bytes)");
            return;
        }
        if ((flags & CMD_FLAG_DF) != 0 && !session.structuredReplies()) {
            readError(cookie, EINVAL, "NBD_CMD_FLAG_DF without structured replies");
            return;
        }
        List<Extent> extents;
        try {
            extents = disk.extents(offset, length);
        } catch (IOException | RuntimeException e) {
            readError(cookie, EIO, "cannot map the disk at " + offset + ": " + e.getMessage());
            return;
        }
        int n = (int) length;
        if (!session.structuredReplies()) {
            writeHeader(simpleHeader(cookie, 0));
            sendBytes(extents);
        } else if ((flags & CMD_FLAG_DF) != 0) {
            // One data chunk covering everything, holes sent as zeros (proto.md NBD_CMD_FLAG_DF).
            ByteBuffer h = chunkHeader(REPLY_FLAG_DONE, CHUNK_OFFSET_DATA, cookie, 8 + n);
            h.putLong(offset).flip();
            writeHeader(h);
            sendBytes(extents);
        } else {
            for (int i = 0; i < extents.size(); i++) {
                Extent e = extents.get(i);
                int done = i == extents.size() - 1 ? REPLY_FLAG_DONE : 0;
                if (e.kind().readsAsZero()) {
                    ByteBuffer h = chunkHeader(done, CHUNK_OFFSET_HOLE, cookie, 12);
                    h.putLong(e.offset()).putInt((int) e.length()).flip();
                    writeHeader(h);
                } else {
                    ByteBuffer h = chunkHeader(done, CHUNK_OFFSET_DATA, cookie, 8 + e.length());
                    h.putLong(e.offset()).flip();
                    writeHeader(h);
                    sendData(e.offset(), e.length());
                }
            }
        }
        flushPending();
        state.bytesRead.addAndGet(length);
    }

    /** The bytes of the extents, in order: data read, holes from the zero buffer. */
    private void sendBytes(List<Extent> extents) throws IOException {
        for (Extent e : extents) {
            if (e.kind().readsAsZero()) {
                for (long left = e.length(); left > 0; ) {
                    int k = (int) Math.min(left, ZEROS.capacity());
                    write(ZEROS.duplicate().limit(k));
                    left -= k;
                }
            } else {
                sendData(e.offset(), e.length());
            }
        }
    }

    /**
     * Reads and sends {@code length} bytes at {@code offset}. The reply header is already out, so
     * a read failure here cannot be reported any more: the connection is dropped
     * (proto.md: "a server that fails after sending error = 0 must disconnect").
     */
    private void sendData(long offset, long length) throws IOException {
        ByteBuffer buf = buffer();
        for (long at = offset, end = offset + length; at < end; ) {
            int k = (int) Math.min(end - at, buf.capacity());
            buf.clear().limit(k);
            try {
                disk.read(buf, at);
            } catch (IOException | RuntimeException e) {
                throw new ProtocolViolation("read of " + k + " bytes at " + at + " of " + disk.describe()
                        + " failed after the reply started, connection dropped: " + e.getMessage());
            }
            buf.flip();
            write(buf);
            at += k;
        }
    }

    private ByteBuffer buffer() {
        if (data == null) {
            data = ByteBuffer.allocateDirect(BUFFER_SIZE);
        }
        return data;
    }

    private void blockStatus(int flags, long cookie, long offset, long length) throws IOException {
        if (!session.baseAllocation()) {
            error(cookie, EINVAL, "NBD_CMD_BLOCK_STATUS without the base:allocation meta context");
            return;
        }
        if (length == 0 || outOfRange(offset, length)) {
            error(cookie, EINVAL, "NBD_CMD_BLOCK_STATUS of " + length + " bytes at " + offset
                    + " is empty or past the end of the export (" + size + " bytes)");
            return;
        }
        long window = Math.min(length, BLOCK_STATUS_WINDOW);
        List<Extent> extents;
        try {
            extents = disk.extents(offset, window);
        } catch (IOException | RuntimeException e) {
            error(cookie, EIO, "cannot map the disk at " + offset + ": " + e.getMessage());
            return;
        }
        boolean one = (flags & CMD_FLAG_REQ_ONE) != 0;
        List<long[]> merged = new ArrayList<>();
        for (Extent e : extents) {
            int state = stateFlags(e.kind());
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last[1] == state && last[0] + e.length() <= 0xffffffffL) {
                last[0] += e.length();
            } else if (merged.size() < MAX_EXTENTS) {
                // Each extent length must fit in a u32: split long ones.
                for (long left = e.length(); left > 0 && merged.size() < MAX_EXTENTS; ) {
                    long k = Math.min(left, 0xffffffffL - 0xfffL);
                    merged.add(new long[] {k, state});
                    left -= k;
                }
            } else {
                break;
            }
            if (one) {
                break;
            }
        }
        if (one) {
            merged = merged.subList(0, 1);
        }
        ByteBuffer payload = ByteBuffer.allocate(4 + 8 * merged.size());
        payload.putInt(ServerNegotiation.BASE_ALLOCATION_ID);
        for (long[] m : merged) {
            payload.putInt((int) m[0]).putInt((int) m[1]);
        }
        payload.flip();
        ByteBuffer h = chunkHeader(REPLY_FLAG_DONE, CHUNK_BLOCK_STATUS, cookie, payload.remaining());
        h.flip();
        pendingHeader = h;
        write(payload);
    }

    /** base:allocation flags: unallocated is a hole that reads as zeros, ZERO reads as zeros. */
    static int stateFlags(ExtentKind kind) {
        return switch (kind) {
            case DATA -> 0;
            case ZERO -> STATE_ZERO;
            case UNALLOCATED -> STATE_HOLE | STATE_ZERO;
        };
    }

    private void drain(long length) throws IOException {
        ByteBuffer buf = buffer();
        for (long left = length; left > 0; ) {
            int k = (int) Math.min(left, buf.capacity());
            buf.clear().limit(k);
            transport.readFully(buf);
            left -= k;
        }
    }

    /** A READ error: a structured ERROR chunk when structured replies were agreed (proto.md requires it). */
    private void readError(long cookie, int errno, String message) throws IOException {
        if (session.structuredReplies()) {
            structuredError(cookie, errno, message);
        } else {
            simple(cookie, errno);
        }
    }

    /** Other commands may be answered with simple replies even after structured replies (proto.md). */
    private void error(long cookie, int errno, String message) throws IOException {
        if (session.structuredReplies()) {
            structuredError(cookie, errno, message);
        } else {
            simple(cookie, errno);
        }
    }

    private void structuredError(long cookie, int errno, String message) throws IOException {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(text.length, 4096);
        ByteBuffer h = chunkHeader(REPLY_FLAG_DONE, CHUNK_ERROR, cookie, 6 + n);
        h.flip();
        ByteBuffer p = ByteBuffer.allocate(6 + n);
        p.putInt(errno).putShort((short) n).put(text, 0, n).flip();
        pendingHeader = h;
        write(p);
    }

    private void simple(long cookie, int errno) throws IOException {
        write(simpleHeader(cookie, errno));
    }

    private ByteBuffer simpleHeader(long cookie, int errno) throws IOException {
        flushPending(); // the header buffer is shared: a waiting header goes out before it is reused
        replyHeader.clear();
        replyHeader.putInt(SIMPLE_REPLY_MAGIC).putInt(errno).putLong(cookie).flip();
        return replyHeader;
    }

    /** A chunk header with its payload length; the caller adds the payload's start, then flips. */
    private ByteBuffer chunkHeader(int flags, int type, long cookie, long payloadLength) throws IOException {
        flushPending(); // the header buffer is shared: a waiting header goes out before it is reused
        replyHeader.clear();
        replyHeader.putInt(STRUCTURED_REPLY_MAGIC).putShort((short) flags).putShort((short) type).putLong(cookie)
                .putInt((int) payloadLength);
        return replyHeader;
    }

    /** Holds {@code header} (the shared header buffer) until the next write; at most one waits. */
    private void writeHeader(ByteBuffer header) throws IOException {
        flushPending();
        pendingHeader = header;
    }

    private void flushPending() throws IOException {
        if (pendingHeader != null) {
            ByteBuffer h = pendingHeader;
            pendingHeader = null;
            write(h);
        }
    }

    /** Every write is watched: a client that stops reading is dropped after the stall limit. */
    private void write(ByteBuffer b) throws IOException {
        state.writeStarted();
        try {
            if (pendingHeader != null) {
                ByteBuffer h = pendingHeader;
                pendingHeader = null;
                transport.writeFully(h, b);
            } else {
                transport.writeFully(b);
            }
        } finally {
            state.writeEnded();
        }
    }
}
