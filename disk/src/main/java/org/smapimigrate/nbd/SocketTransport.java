package org.smapimigrate.nbd;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A TCP or UNIX-domain {@link SocketChannel}. Reads go through a small buffer so that the many
 * 16- and 20-byte reply headers cost one system call per buffer, not one each; large payloads
 * are read straight into the caller's buffer.
 */
public final class SocketTransport implements Transport {
    private static final int RECEIVE_BUFFER = 256 * 1024;

    private final SocketChannel channel;
    private final ByteBuffer received = ByteBuffer.allocateDirect(RECEIVE_BUFFER).flip();

    public SocketTransport(SocketChannel channel) {
        this.channel = channel;
    }

    /** Connects to the socket {@code uri} names (TCP or UNIX); blocking mode. */
    public static SocketTransport connect(NbdUri uri) throws NbdException {
        SocketChannel ch = null;
        try {
            if (uri.isUnix()) {
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(uri.socket()));
            } else {
                InetSocketAddress address = new InetSocketAddress(uri.host(), uri.port());
                if (address.isUnresolved()) {
                    throw NbdException.local(uri.describe(), NbdException.CONNECT_FAILED,
                            "cannot resolve host '" + uri.host() + "'");
                }
                ch = SocketChannel.open(address);
                // Requests are small headers followed by replies the server waits for: Nagle's
                // delay would stall every pipelined header.
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            return new SocketTransport(ch);
        } catch (NbdException e) {
            closeQuietly(ch);
            throw e;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            String where = uri.isUnix() ? "UNIX socket " + uri.socket() : uri.host() + ":" + uri.port();
            throw NbdException.local(uri.describe(), NbdException.CONNECT_FAILED,
                    "cannot connect to " + where + ": " + e.getMessage()
                            + " (is the NBD server running and listening there?)", e);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one to report
            }
        }
    }

    /** The channel underneath, for layering TLS on it after NBD_OPT_STARTTLS. */
    public SocketChannel channel() {
        return channel;
    }

    /**
     * Bytes already received but not yet read (possible only when the peer sent ahead); whoever
     * takes over the channel must consume them first. Empties this transport's buffer.
     */
    public ByteBuffer takeBuffered() {
        ByteBuffer rest = ByteBuffer.allocate(received.remaining());
        rest.put(received).flip();
        return rest;
    }

    @Override
    public void readFully(ByteBuffer dst) throws IOException {
        if (received.hasRemaining()) {
            int n = Math.min(received.remaining(), dst.remaining());
            ByteBuffer slice = received.slice().limit(n);
            dst.put(slice);
            received.position(received.position() + n);
        }
        while (dst.hasRemaining()) {
            if (dst.remaining() >= received.capacity()) {
                if (channel.read(dst) < 0) {
                    throw new EOFException("connection closed by the server");
                }
                continue;
            }
            received.clear();
            int n = channel.read(received);
            received.flip();
            if (n < 0) {
                throw new EOFException("connection closed by the server");
            }
            int take = Math.min(received.remaining(), dst.remaining());
            dst.put(received.slice().limit(take));
            received.position(take);
        }
    }

    @Override
    public void writeFully(ByteBuffer... srcs) throws IOException {
        int last = srcs.length - 1;
        int first = 0;
        while (first <= last) {
            channel.write(srcs, first, srcs.length - first);
            while (first <= last && !srcs[first].hasRemaining()) {
                first++;
            }
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
