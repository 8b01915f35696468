package org.smapimigrate.nbd.tls;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.smapimigrate.nbd.Transport;

/**
 * TLS on an already connected {@link SocketChannel}, after NBD_OPT_STARTTLS (proto.md "TLS
 * support"; docs/nbd-protocol.md §3). An {@link SSLEngine} rather than an SSLSocket, because a
 * UNIX-domain channel has no socket to layer one on. TLS 1.2 and 1.3 only.
 *
 * <p>One thread may read while another writes (the NBD client's reply reader and its senders):
 * reads and writes each have their own lock and buffers, which SSLEngine allows.
 */
public final class TlsTransport implements Transport {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SocketChannel channel;
    private final SSLEngine engine;
    private final Object readLock = new Object();
    private final java.util.concurrent.locks.ReentrantLock writeLock = new java.util.concurrent.locks.ReentrantLock();
    /** Received TLS records not yet unwrapped; write mode. */
    private ByteBuffer netIn;
    /** Unwrapped bytes not yet handed out; read mode. */
    private ByteBuffer appIn;
    private final ByteBuffer netOut;
    private boolean inboundClosed;

    private TlsTransport(SocketChannel channel, SSLEngine engine, ByteBuffer alreadyReceived) {
        this.channel = channel;
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(Math.max(packet, alreadyReceived.remaining()));
        netIn.put(alreadyReceived);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
        this.netOut = ByteBuffer.allocateDirect(packet);
    }

    /**
     * The server side: handshakes at once (the client starts it right after the STARTTLS ACK).
     *
     * @param alreadyReceived bytes the plain transport read past the STARTTLS option
     * @param verifyPeer      demand a client certificate the context's trust store accepts
     */
    public static TlsTransport accept(SocketChannel channel, ByteBuffer alreadyReceived, SSLContext context,
            boolean verifyPeer) throws IOException {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(PROTOCOLS);
        engine.setNeedClientAuth(verifyPeer);
        TlsTransport t = new TlsTransport(channel, engine, alreadyReceived);
        t.handshake();
        return t;
    }

    /**
     * The client side.
     *
     * @param hostName what the server certificate must name; null skips the name check
     *                 (the certificate chain is still verified unless the context trusts all)
     */
    public static TlsTransport connect(SocketChannel channel, ByteBuffer alreadyReceived, SSLContext context,
            String hostName) throws IOException {
        SSLEngine engine = hostName == null ? context.createSSLEngine() : context.createSSLEngine(hostName, 10809);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(PROTOCOLS);
        if (hostName != null) {
            SSLParameters p = engine.getSSLParameters();
            // RFC 2818 rules (DNS/IP subject alternative names), as gnutls checks for qemu and libnbd.
            p.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(p);
        }
        TlsTransport t = new TlsTransport(channel, engine, alreadyReceived);
        t.handshake();
        return t;
    }

    /** The negotiated protocol, e.g. TLSv1.3. */
    public String protocol() {
        return engine.getSession().getProtocol();
    }

    private void handshake() throws IOException {
        engine.beginHandshake();
        ByteBuffer empty = ByteBuffer.allocate(0);
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> wrap(new ByteBuffer[] {empty});
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapOnce()) {
                        throw new EOFException("connection closed during the TLS handshake");
                    }
                }
                case NEED_TASK -> runTasks();
                case FINISHED, NOT_HANDSHAKING -> {
                    return;
                }
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    @Override
    public void readFully(ByteBuffer dst) throws IOException {
        synchronized (readLock) {
            while (dst.hasRemaining()) {
                if (appIn.hasRemaining()) {
                    int n = Math.min(appIn.remaining(), dst.remaining());
                    dst.put(appIn.slice(appIn.position(), n));
                    appIn.position(appIn.position() + n);
                    continue;
                }
                if (inboundClosed || !unwrapOnce()) {
                    throw new EOFException("TLS connection closed by the peer");
                }
            }
        }
    }

    /**
     * Unwraps one record into {@link #appIn}, reading from the socket as needed. Answers what
     * the engine needs meanwhile (TLS 1.3 key updates want a wrap).
     *
     * @return false at the end of the stream
     */
    private boolean unwrapOnce() throws IOException {
        while (true) {
            netIn.flip();
            appIn.compact();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                appIn.flip();
                netIn.compact();
            }
            switch (r.getStatus()) {
                case OK -> {
                    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                    if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                        wrap(new ByteBuffer[] {ByteBuffer.allocate(0)});
                    }
                    return true;
                }
                case BUFFER_UNDERFLOW -> {
                    if (netIn.position() == netIn.capacity()) {
                        netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                    }
                    if (channel.read(netIn) < 0) {
                        return false;
                    }
                }
                case BUFFER_OVERFLOW -> {
                    ByteBuffer bigger = ByteBuffer.allocate(appIn.remaining()
                            + engine.getSession().getApplicationBufferSize());
                    bigger.put(appIn).flip();
                    appIn = bigger;
                }
                case CLOSED -> {
                    inboundClosed = true;
                    return appIn.hasRemaining();
                }
            }
        }
    }

    private static ByteBuffer grow(ByteBuffer b, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, atLeast));
        b.flip();
        bigger.put(b);
        return bigger;
    }

    @Override
    public void writeFully(ByteBuffer... srcs) throws IOException {
        wrap(srcs);
    }

    /** Wraps everything in {@code srcs} (at least one record, even if empty) and sends it. */
    private void wrap(ByteBuffer[] srcs) throws IOException {
        writeLock.lock();
        try {
            do {
                netOut.clear();
                SSLEngineResult r = engine.wrap(srcs, netOut);
                netOut.flip();
                while (netOut.hasRemaining()) {
                    channel.write(netOut);
                }
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    if (remaining(srcs)) {
                        throw new SSLException("TLS connection closed");
                    }
                    return;
                }
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    throw new SSLException("TLS wrap failed: " + r.getStatus());
                }
                if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                    runTasks();
                }
            } while (remaining(srcs));
        } finally {
            writeLock.unlock();
        }
    }

    private static boolean remaining(ByteBuffer[] srcs) {
        for (ByteBuffer b : srcs) {
            if (b.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /** TLS half-close is not dependable across versions: the output simply stays quiet. */
    @Override
    public void shutdownOutput() {
    }

    /** Sends close_notify when it can, then closes the socket. */
    @Override
    public void close() throws IOException {
        // A writer blocked on a peer that stopped reading holds the lock: then skip close_notify.
        boolean locked = writeLock.tryLock();
        try {
            if (locked && channel.isOpen()) {
                engine.closeOutbound();
                wrap(new ByteBuffer[] {ByteBuffer.allocate(0)});
            }
        } catch (IOException | RuntimeException ignored) {
            // the peer may be gone already; closing the socket is what matters
        } finally {
            if (locked) {
                writeLock.unlock();
            }
            channel.close();
        }
    }
}
