package org.smapimigrate.nbd;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Bytes on the wire, written from docs/nbd-protocol.md §1-§2 (not from our client): for tests
 * that play a broken or hostile client against our server and check each reply field.
 */
final class RawClient implements AutoCloseable {
    static final long IHAVEOPT = 0x49484156454F5054L;
    final SocketChannel ch;

    RawClient(SocketChannel connected) {
        ch = connected;
    }

    RawClient(SocketAddress address) throws IOException {
        ch = address instanceof UnixDomainSocketAddress ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open();
        ch.connect(address);
    }

    /** Reads the 18-byte greeting and answers with {@code clientFlags}; returns the handshake flags. */
    int greet(int clientFlags) throws IOException {
        ByteBuffer g = read(18);
        if (g.getLong(0) != 0x4e42444d41474943L || g.getLong(8) != IHAVEOPT) {
            throw new IOException("bad greeting");
        }
        send(ByteBuffer.allocate(4).putInt(0, clientFlags));
        return g.getShort(16) & 0xffff;
    }

    void option(int option, ByteBuffer data) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(16).putLong(IHAVEOPT).putInt(option).putInt(data.remaining()).flip();
        send(h, data);
    }

    void option(int option, long declaredLength) throws IOException {
        send(ByteBuffer.allocate(16).putLong(IHAVEOPT).putInt(option).putInt((int) declaredLength).flip());
    }

    /** One option reply: {option, type, data}. */
    record Reply(int option, int type, ByteBuffer data) {
        String text() {
            return StandardCharsets.UTF_8.decode(data.duplicate()).toString();
        }
    }

    Reply reply() throws IOException {
        ByteBuffer h = read(20);
        if (h.getLong(0) != 0x0003e889045565a9L) {
            throw new IOException("bad option reply magic");
        }
        return new Reply(h.getInt(8), h.getInt(12), read(h.getInt(16)));
    }

    /** GO for {@code name} with no information requests; returns the replies up to the ACK or error. */
    Reply go(String name) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        option(7, ByteBuffer.allocate(4 + n.length + 2).putInt(n.length).put(n).putShort((short) 0).flip());
        while (true) {
            Reply r = reply();
            if (r.type() != 3) {
                return r;
            }
        }
    }

    void request(int flags, int type, long cookie, long offset, long length) throws IOException {
        send(ByteBuffer.allocate(28).putInt(0x25609513).putShort((short) flags).putShort((short) type)
                .putLong(cookie).putLong(offset).putInt((int) length).flip());
    }

    /** A simple reply: {errno, cookie}. */
    long[] simpleReply() throws IOException {
        ByteBuffer h = read(16);
        if (h.getInt(0) != 0x67446698) {
            throw new IOException(String.format("simple reply magic 0x%08x", h.getInt(0)));
        }
        return new long[] {h.getInt(4), h.getLong(8)};
    }

    void send(ByteBuffer... bufs) throws IOException {
        for (ByteBuffer b : bufs) {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }

    ByteBuffer read(int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new EOFException("server closed after " + b.position() + " of " + n + " bytes");
            }
        }
        return b.flip();
    }

    /** True when the server has closed the connection (reads end of stream). */
    boolean closedByServer() throws IOException {
        try {
            ByteBuffer b = ByteBuffer.allocate(4096);
            while (true) {
                int n = ch.read(b.clear());
                if (n < 0) {
                    return true;
                }
            }
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
