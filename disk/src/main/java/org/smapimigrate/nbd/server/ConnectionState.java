package org.smapimigrate.nbd.server;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the server's watchdog needs to know about one connection: when it started, whether it
 * reached transmission, and since when a reply write has been blocked. Cheap volatile fields,
 * written by the connection's thread, read by the watchdog.
 */
final class ConnectionState {
    final SocketChannel channel;
    final String peer;
    final long startNanos = System.nanoTime();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong bytesRead = new AtomicLong();
    volatile boolean transmitting;
    /** 0 when no write is in progress. */
    private volatile long writeSince;
    volatile String droppedBecause;

    ConnectionState(SocketChannel channel, String peer) {
        this.channel = channel;
        this.peer = peer;
    }

    void writeStarted() {
        writeSince = System.nanoTime();
    }

    void writeEnded() {
        writeSince = 0;
    }

    /**
     * Closes the connection when it broke a time limit: a handshake not finished, or a reply the
     * client has not read for too long. The blocked thread then fails and cleans up.
     */
    void enforce(ServerSettings settings, long now) {
        String why = null;
        if (!transmitting && now - startNanos > settings.handshakeLimit().toNanos()) {
            why = "handshake not finished within " + settings.handshakeLimit().toSeconds() + " s";
        }
        long since = writeSince;
        if (since != 0 && now - since > settings.writeStallLimit().toNanos()) {
            why = "client stopped reading a reply for " + settings.writeStallLimit().toSeconds() + " s";
        }
        if (why != null) {
            droppedBecause = why;
            close();
        }
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the connection's thread reports how it ended
        }
    }
}
