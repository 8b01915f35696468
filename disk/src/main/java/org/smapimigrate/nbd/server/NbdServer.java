package org.smapimigrate.nbd.server;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.smapimigrate.nbd.SocketTransport;
import org.smapimigrate.nbd.tls.TlsTransport;

/**
 * A read-only NBD server: listens on a TCP address or a UNIX socket, serves each connection on
 * its own thread (at most {@link ServerSettings#maxConnections()} at once; the rest wait in the
 * listen backlog), and keeps going whatever one client does. Protocol ({@link ServerNegotiation},
 * {@link ServerTransmission}) and transport ({@link SocketTransport}, {@link TlsTransport}) are
 * apart, as in nbdkit.
 */
public final class NbdServer implements Closeable {
    private static final long WATCHDOG_SECONDS = 1;

    private final ServerSocketChannel listener;
    private final SocketAddress address;
    private final Path unixSocket;
    private final ServerSettings settings;
    private final ServerEvents events;
    private final Semaphore slots;
    private final Set<ConnectionState> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger served = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ScheduledExecutorService watchdog;
    private final Thread acceptor;
    private volatile boolean closing;

    private NbdServer(ServerSocketChannel listener, Path unixSocket, ServerSettings settings, ServerEvents events)
            throws IOException {
        this.listener = listener;
        this.address = listener.getLocalAddress();
        this.unixSocket = unixSocket;
        this.settings = settings;
        this.events = events;
        this.slots = new Semaphore(settings.maxConnections());
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "nbd-server watchdog"));
        watchdog.scheduleWithFixedDelay(this::enforceLimits, WATCHDOG_SECONDS, WATCHDOG_SECONDS, TimeUnit.SECONDS);
        this.acceptor = daemon(this::acceptLoop, "nbd-server accept " + address);
    }

    /**
     * Binds and starts serving.
     *
     * @param where an {@link InetSocketAddress} (port 0 picks a free one) or a
     *              {@link UnixDomainSocketAddress} (the path must not exist yet)
     */
    public static NbdServer start(SocketAddress where, ServerSettings settings, ServerEvents events)
            throws IOException {
        ServerSocketChannel ch;
        Path unix = null;
        if (where instanceof UnixDomainSocketAddress u) {
            unix = u.getPath();
            if (Files.exists(unix, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(unix + ": already exists; remove it if no server uses it, or choose another path");
            }
            ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        } else {
            ch = ServerSocketChannel.open();
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        }
        try {
            ch.bind(where, 256);
            NbdServer server = new NbdServer(ch, unix, settings, events);
            server.acceptor.start();
            return server;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Where it listens (with the real port when 0 was asked). */
    public SocketAddress address() {
        return address;
    }

    public ServerSettings settings() {
        return settings;
    }

    /** Connections being served now. */
    public int activeConnections() {
        return connections.size();
    }

    /** Blocks until {@link #close()} or, with {@link ServerSettings#once()}, until the clients are done. */
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    private void acceptLoop() {
        try {
            while (!closing) {
                slots.acquire();
                SocketChannel ch;
                try {
                    ch = listener.accept();
                } catch (IOException e) {
                    slots.release();
                    if (closing || e instanceof ClosedChannelException) {
                        break;
                    }
                    continue; // e.g. EMFILE: keep serving the others
                }
                if (closing) {
                    ch.close();
                    slots.release();
                    break;
                }
                served.incrementAndGet();
                ConnectionState state = new ConnectionState(ch, peerOf(ch));
                connections.add(state);
                daemon(() -> serve(state), "nbd-server " + state.peer).start();
            }
        } catch (InterruptedException | IOException e) {
            // closing
        } finally {
            if (!settings.once() || closing) {
                stopped.countDown();
            }
        }
    }

    private static String peerOf(SocketChannel ch) {
        try {
            SocketAddress a = ch.getRemoteAddress();
            if (a instanceof InetSocketAddress i) {
                return i.getAddress().getHostAddress() + ":" + i.getPort();
            }
            return "unix";
        } catch (IOException e) {
            return "?";
        }
    }

    private void serve(ConnectionState state) {
        String export = "";
        boolean tls = false;
        String ending;
        boolean clean = true;
        try (SocketChannel ch = state.channel) {
            if (ch.getLocalAddress() instanceof InetSocketAddress) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            SocketTransport plain = new SocketTransport(ch);
            ServerNegotiation.TlsUpgrade upgrade = settings.tls() == null ? null
                    : t -> TlsTransport.accept(ch, plain.takeBuffered(), settings.tls(), settings.verifyPeer());
            ServerNegotiation negotiation = new ServerNegotiation(plain, settings, upgrade);
            Session session = null;
            try {
                session = negotiation.negotiate();
            } finally {
                tls = negotiation.tlsActive();
            }
            if (session == null) {
                ending = "NBD_OPT_ABORT";
            } else {
                export = session.export().name();
                state.transmitting = true;
                ending = new ServerTransmission(session, state).serve();
            }
        } catch (ProtocolViolation e) {
            ending = "dropped: " + e.getMessage();
            clean = false;
        } catch (EOFException e) {
            ending = "client closed the connection during the handshake";
        } catch (SSLException e) {
            ending = "TLS failed: " + e.getMessage();
            clean = false;
        } catch (ClosedChannelException e) {
            ending = state.droppedBecause != null ? "dropped: " + state.droppedBecause : "server closing";
            clean = false;
        } catch (IOException e) {
            ending = "connection lost: " + e.getMessage();
            clean = false;
        } catch (RuntimeException e) {
            // A bug must cost one connection, never the server.
            ending = "internal error: " + e;
            clean = false;
        }
        connections.remove(state);
        slots.release();
        try {
            events.connectionEnded(new ConnectionSummary(state.peer, export, tls, state.requests.get(),
                    state.bytesRead.get(), System.nanoTime() - state.startNanos, ending, clean));
        } finally {
            if (settings.once() && connections.isEmpty() && served.get() > 0) {
                closeListener();
                stopped.countDown();
            }
        }
    }

    private void enforceLimits() {
        long now = System.nanoTime();
        for (ConnectionState c : connections) {
            c.enforce(settings, now);
        }
    }

    private void closeListener() {
        closing = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // nothing more to accept either way
        }
        acceptor.interrupt();
        if (unixSocket != null) {
            try {
                Files.deleteIfExists(unixSocket);
            } catch (IOException ignored) {
                // a stale socket file is harmless; the next start says so
            }
        }
    }

    /** Stops accepting, closes every connection and waits (briefly) for their threads to finish. */
    @Override
    public void close() {
        closeListener();
        for (ConnectionState c : connections) {
            c.close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        watchdog.shutdownNow();
        stopped.countDown();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
