package org.smapimigrate.nbd;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A reliable byte stream to an NBD server. The protocol code ({@link Handshake},
 * {@link NbdClient}) sees only this, never a socket, so the same state machine runs over TCP,
 * a UNIX socket or, later, TLS. One thread reads while another writes.
 */
public interface Transport extends Closeable {

    /**
     * Fills {@code dst} from its position to its limit.
     *
     * @throws java.io.EOFException when the peer closes the stream first
     */
    void readFully(ByteBuffer dst) throws IOException;

    /** Writes every buffer from position to limit, in order. */
    void writeFully(ByteBuffer... srcs) throws IOException;

    /** Half-closes: tells the peer no more bytes follow, while replies can still be read. */
    void shutdownOutput() throws IOException;

    /** Closes both directions; a blocked {@link #readFully} fails. */
    @Override
    void close() throws IOException;
}
